// SPDX-License-Identifier: GPL-2.0-or-later
// grub.cfg run symbolically, never for real, the way GRUB's normal mode runs
// it at boot: what mdguard learns is what GRUB would do, without knowing what
// only the machine at boot knows (the disks, the firmware, the keyboard).
// Internal to src/grub/; parse_grub_cfg() (config.h) is the way in. The
// Interpreter's work is split by concern:
//   interpreter.cc  variables, expansion of words into arguments, statements,
//                   `if` and loops
//   condition.cc    `test` and `[` over values that may be unknown
//   commands.cc     the commands: set, insmod, search, linux, initrd,
//                   menuentry, submenu, function calls...
//   includes.cc     what brings in other files: source, configfile, blscfg
#pragma once

#include <algorithm>
#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grub/bls.h"
#include "grub/config.h"
#include "grub/lexer.h"
#include "grub/parser.h"
#include "grub/syntax.h"

namespace mdguard::grub {

// A variable's value. `unknown` lists the variables mdguard does not know
// that the value depends on; their places in `value` hold ${name}.
struct Var {
  std::string value;
  std::vector<std::string> unknown;
  bool exported = false;

  bool same(const Var& o) const { return value == o.value && unknown == o.unknown; }
};
using Env = std::map<std::string, Var, std::less<>>;

// Variables GRUB sets itself before reading grub.cfg, or while running it.
bool grub_sets_itself(std::string_view name);

// `name`'s value in `env`: ${name}, unknown, for a variable GRUB sets itself;
// empty for one never set, as GRUB expands it.
Var lookup(const Env& env, std::string_view name);

// One argument after expansion.
struct Arg {
  std::string text;
  std::vector<std::string> unknown;
};

enum class Truth { no, yes, unknown };

// GRUB's `test` / `[` over arguments that may be unknown (grub-core/commands/
// test.c), without the command name or the closing "]".
Truth eval_test(std::vector<Arg> args, bool have_grubenv);

// A parsed file and how to turn its offsets into lines.
struct SourceFile {
  std::string name;
  std::string raw;
  CleanText clean;
  std::vector<Node> nodes;
  std::vector<size_t> line_starts;  // raw offsets

  size_t raw_offset(size_t clean_offset) const {
    return clean.origin[std::min(clean_offset, clean.origin.size() - 1)];
  }
  int line(size_t clean_offset) const {
    size_t at = raw_offset(clean_offset);
    auto it = std::upper_bound(line_starts.begin(), line_starts.end(), at);
    return static_cast<int>(it - line_starts.begin());
  }
  // Like mdguard::locate(), without counting lines again for every diagnostic.
  void locate(Diagnostic& d, size_t clean_offset) const {
    size_t at = raw_offset(clean_offset);
    d.line = line(clean_offset);
    size_t start = line_starts[static_cast<size_t>(d.line - 1)];
    size_t end = std::min(raw.find('\n', start), raw.size());
    if (end > start && raw[end - 1] == '\r') --end;
    d.column = 1 + static_cast<int>(at - start);
    d.source_line = raw.substr(start, end - start);
  }

  // The text of [begin, end) as written, lines joined.
  std::string written(size_t begin, size_t end) const {
    size_t b = raw_offset(begin), e = raw_offset(end);
    std::string out;
    for (size_t i = b; i < e && i < raw.size(); ++i) {
      if (raw[i] == '\r') continue;
      out += raw[i] == '\n' || raw[i] == '\t' ? ' ' : raw[i];
    }
    return out;
  }
};

// Where statements run: the variables they see, their file, the conditions
// around them, and the entry or submenu they fill.
struct Frame {
  Env* env = nullptr;
  const SourceFile* file = nullptr;
  GrubConditions conds;
  int entry = -1;                                // the entry whose body runs
  int menu = -1;                                 // the submenu being filled; -1: top level
  bool global = true;                            // not inside an entry or submenu body
  std::vector<GrubRootStep>* roots = nullptr;    // root steps outside entries
  const std::vector<Arg>* positional = nullptr;  // $1... in a function
  int calls = 0;                                 // function call depth
};

// Bounds on what a hostile or broken configuration can make mdguard do. A
// configuration that would make GRUB loop or recurse (functions calling each
// other 16 deep, more than 50000 commands, more than 64 files) stops the
// reading with a warning instead; a variable over 64 KiB becomes unknown.
constexpr int kMaxCalls = 16;          // functions calling functions
constexpr size_t kMaxFiles = 64;       // files read through source/configfile
constexpr long kMaxSteps = 50000;      // commands run
constexpr int kMaxDepth = 200;         // nested blocks, branches, calls and files
constexpr size_t kMaxValue = 1 << 16;  // bytes in one variable

// Runs one file, and those it reads, into a GrubConfig.
class Interpreter {
 public:
  Interpreter(GrubConfig& cfg, const GrubCfgOptions& options) : cfg_(cfg), opt_(options) {}

  void run(std::string_view filename, std::string_view text);

 private:
  struct Function {
    const Node* node;
    const SourceFile* file;
  };

  struct EntryOptions {
    std::vector<std::string> positional, classes;
    std::optional<std::string> id;
  };

  // interpreter.cc
  const SourceFile* load(std::string name, std::string text);
  GrubLocation where(const Frame& f, size_t offset) const;
  void report(const Frame& f, size_t offset, Severity severity, std::string code,
              std::string message);
  Var var_value(const Frame& f, const std::string& name) const;
  std::vector<Arg> expand(const Frame& f, const std::vector<Word>& words, size_t from = 0) const;
  void run_nodes(const std::vector<Node>& nodes, Frame& f);
  void limit(const Frame& f, size_t offset, const std::string& what,
             const char* code = "grub-limit");
  Truth condition(const std::vector<Node>& cond, const Frame& f) const;
  Env run_branch(const std::vector<Node>& body, const Frame& f, std::string cond);
  void run_if(const Node& n, Frame& f);
  void run_loop(const Node& n, Frame& f);

  // commands.cc
  void run_command(const Node& n, Frame& f);
  void set_var(Frame& f, const std::string& name, Var v);
  void assign(const Node& n, Frame& f, const Arg& arg, const Word& word);
  std::vector<GrubRootStep>& roots(const Frame& f);
  void add_root(const Frame& f, GrubRootStep step);
  void call(const Node& n, Frame& f, const std::vector<Arg>& args, const Function& fn);
  void load_env(Frame& f, const std::vector<Arg>& args);
  std::optional<EntryOptions> entry_options(const Node& n, Frame& f, const std::vector<Arg>& args,
                                            const std::string& cmd);
  void menuentry(const Node& n, Frame& f, const std::vector<Arg>& args, bool is_submenu);
  size_t add_item(const Frame& f, GrubEntry e);
  void kernel(const Node& n, Frame& f, const std::vector<Arg>& args);
  void initrd(const Node& n, Frame& f, const std::vector<Arg>& args);
  void search(const Node& n, Frame& f, const std::vector<Arg>& args);

  // includes.cc
  void include(const Node& n, Frame& f, const std::vector<Arg>& args, GrubInclude::Kind kind);
  void configfile(const Node& n, Frame& f, const SourceFile* file);
  void blscfg(const Node& n, Frame& f);
  std::string bls_expand(const Frame& f, const std::string& value,
                         std::vector<std::string>& unknown);
  void bls_entry(Frame& f, const BlsEntry& b);
  std::vector<Word> bls_words(const BlsEntry& b, const std::string& text, const char* key);

  GrubConfig& cfg_;
  const GrubCfgOptions& opt_;
  std::deque<SourceFile> files_;
  std::vector<std::string> stack_;
  std::map<std::string, Function, std::less<>> functions_;
  std::map<int, size_t> menu_size_;
  bool replaced_ = false;
  Env replaced_env_;
  bool stopped_ = false;
  long steps_ = 0;
  int depth_ = 0;
};

}  // namespace mdguard::grub
