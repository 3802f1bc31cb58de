// SPDX-License-Identifier: GPL-2.0-or-later
// What brings other files into grub.cfg, for the Interpreter
// (interpreter.h): source, configfile and blscfg are recorded as includes.
// Given a reader, source and configfile are followed (source runs in place;
// configfile starts a new menu that replaces the current one when it defines
// entries), with a depth limit and cycle detection; blscfg inserts the Boot
// Loader Specification entries the caller passes (bls.h), ordered as RHEL's
// blscfg does (grub-core/commands/blscfg.c in Red Hat's GRUB, rhboot/grub2).
#include "grub/interpreter.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mdguard::grub {

namespace {

// "(${root})/boot/grub/grub.cfg": what is unknown is only the device, which
// the reader maps anyway.
bool only_device_unknown(const std::string& path) {
  if (path.empty() || path[0] != '(') return false;
  size_t close = path.find(')');
  return close != std::string::npos && path.find("${", close) == std::string::npos;
}

// Why a line blscfg makes cannot run, from the token that breaks it.
std::string token_problem(const Token& t) {
  if (t.kind == Tok::semi) return "';' ends the command";
  if (t.kind == Tok::newline) return "a new line ends the command";
  if (t.kind == Tok::lbrace || t.kind == Tok::rbrace) return "a brace ends the command";
  return t.message;
}

}  // namespace

void Interpreter::include(const Node& n, Frame& f, const std::vector<Arg>& args,
                          GrubInclude::Kind kind) {
  const std::string& cmd = args[0].text;
  if (args.size() < 2) {
    if (cmd != "normal")
      report(f, n.begin, Severity::error, "grub-include", cmd + " without a file name");
    return;
  }
  GrubInclude inc{kind, GrubValue{args[1].text, args[1].unknown}, where(f, n.begin), f.conds,
                  false};
  cfg_.includes.push_back(inc);
  size_t slot = cfg_.includes.size() - 1;
  if (!opt_.read) return;
  if (kind == GrubInclude::Kind::configfile && !f.global) return;  // runs only when chosen
  if (!inc.path.known() && !only_device_unknown(inc.path.text)) {
    report(f, n.begin, Severity::info, "grub-include-unresolved",
           "mdguard cannot follow " + cmd + " " + quoted(inc.path.text) + ": the path depends on " +
               inc.path.unknown[0]);
    return;
  }
  const std::string& path = inc.path.text;
  if (std::find(stack_.begin(), stack_.end(), path) != stack_.end()) {
    std::string chain;
    for (const std::string& s : stack_) chain += s + " -> ";
    report(f, n.begin, Severity::error, "grub-include-cycle",
           cmd + " " + quoted(path) + " reads a file already being read (" + chain + path +
               "): GRUB would recurse until it runs out of memory");
    return;
  }
  if (static_cast<int>(stack_.size()) > opt_.max_depth) {
    report(f, n.begin, Severity::error, "grub-include-depth",
           cmd + " " + quoted(path) + " is nested more than " + std::to_string(opt_.max_depth) +
               " files deep; mdguard stops following");
    return;
  }
  if (cfg_.files.size() >= kMaxFiles)
    return limit(f, n.begin, "more than " + std::to_string(kMaxFiles) + " files to read");
  std::optional<std::string> text = opt_.read(path);
  if (!text) {
    report(f, n.begin, f.conds.empty() ? Severity::warning : Severity::info, "grub-include-missing",
           cmd + " " + quoted(path) + ": no such file" +
               (f.conds.empty() ? std::string(": GRUB reports an error and goes on")
                                : std::string(" (" + f.conds.back() + ")")));
    return;
  }
  cfg_.includes[slot].followed = true;
  const SourceFile* file = load(path, std::move(*text));
  stack_.push_back(path);
  if (kind == GrubInclude::Kind::source) {
    Frame g = f;
    g.file = file;
    run_nodes(file->nodes, g);
  } else {
    configfile(n, f, file);
  }
  stack_.pop_back();
}

// configfile: a new context (exported variables only) and a new menu; when
// that menu has entries GRUB shows it, and the rest of this file runs only
// if someone leaves it with Escape.
void Interpreter::configfile(const Node& n, Frame& f, const SourceFile* file) {
  std::vector<GrubEntry> saved_entries = std::move(cfg_.entries);
  std::vector<GrubDefaultSetting> saved_defaults = std::move(cfg_.default_settings);
  std::map<int, size_t> saved_sizes = std::move(menu_size_);
  cfg_.entries.clear();
  cfg_.default_settings.clear();
  menu_size_.clear();
  Env env;
  for (const auto& [name, var] : *f.env)
    if (var.exported) env[name] = var;
  std::vector<GrubRootStep> roots;
  Frame g;
  g.env = &env;
  g.file = file;
  g.conds = f.conds;
  g.roots = &roots;
  run_nodes(file->nodes, g);
  if (!cfg_.entries.empty()) {
    if (!replaced_) {
      replaced_ = true;
      replaced_env_ = env;
      cfg_.root.insert(cfg_.root.end(), roots.begin(), roots.end());
    }
    if (!saved_entries.empty())
      report(f, n.begin, Severity::info, "grub-configfile-menu",
             "the menu of " + file->name + " replaces the " + std::to_string(saved_entries.size()) +
                 " entries defined before this configfile");
    return;
  }
  cfg_.entries = std::move(saved_entries);
  cfg_.default_settings = std::move(saved_defaults);
  menu_size_ = std::move(saved_sizes);
}

void Interpreter::blscfg(const Node& n, Frame& f) {
  if (f.entry >= 0) {
    report(f, n.begin, Severity::warning, "grub-outside-entry",
           "blscfg inside a menu entry's body: mdguard ignores it");
    return;
  }
  cfg_.includes.push_back(GrubInclude{
      GrubInclude::Kind::blscfg, {}, where(f, n.begin), f.conds, !opt_.bls_entries.empty()});
  std::vector<const BlsEntry*> sorted;
  for (const BlsEntry& b : opt_.bls_entries) sorted.push_back(&b);
  bool use_version = std::all_of(sorted.begin(), sorted.end(),
                                 [](const BlsEntry* b) { return !b->version.empty(); });
  // blscfg sorts ascending and creates entries from the last: newest first.
  std::stable_sort(sorted.begin(), sorted.end(), [&](const BlsEntry* a, const BlsEntry* b) {
    int c = use_version ? rpm_vercmp(a->version, b->version) : 0;
    if (c == 0) c = rpm_vercmp(a->id, b->id);
    return c > 0;
  });
  for (const BlsEntry* b : sorted)
    if (!b->kernel.empty()) bls_entry(f, *b);
}

// expand_val() of RHEL 8/9's blscfg: $name only; a set variable's value is
// followed by one space (and a space after the name is skipped), an unset
// one disappears. Its off-by-one quirks are kept: a one-character field at
// the very end, or one between a variable and '$', is dropped.
std::string Interpreter::bls_expand(const Frame& f, const std::string& value,
                                    std::vector<std::string>& unknown) {
  std::string out;
  size_t start = 0, end = 0;
  bool is_var = false;
  auto field = [&](size_t s, size_t e) {
    std::string piece = value.substr(s, e + 1 - s);
    if (!is_var) {
      out += piece;
      return;
    }
    if (auto it = f.env->find(piece); it != f.env->end()) {
      out += it->second.value + " ";
      add_unique(unknown, it->second.unknown);
    } else if (grub_sets_itself(piece)) {
      out += "${" + piece + "} ";
      add_unique(unknown, {piece});
    }
  };
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '$') {
      if (start != end) field(start, end);
      is_var = true;
      start = i + 1;
    } else if (is_var && !is_name_char(value[i])) {
      field(start, end);
      is_var = false;
      start = value[i] == ' ' ? i + 1 : i;
    }
    end = i;
  }
  if (start != end) field(start, end);
  return out;
}

void Interpreter::bls_entry(Frame& f, const BlsEntry& b) {
  GrubEntry e;
  e.title = b.title.empty() ? b.kernel : b.title;
  e.id = b.id;
  e.classes = b.classes;
  e.where = GrubLocation{b.file, b.kernel_line};
  e.bls_file = b.file;
  size_t index = add_item(f, std::move(e));
  GrubKernel k;
  k.command = "linux";
  k.path = b.kernel;
  std::string options = bls_expand(f, b.options, k.unknown);
  k.written = "linux " + b.kernel + (options.empty() ? "" : " " + options);
  k.where = GrubLocation{b.file, b.kernel_line};
  k.conditions = f.conds;
  for (Arg& a : expand(f, bls_words(b, options, "options"))) {
    if (!a.text.empty()) k.args.push_back(a.text);
    add_unique(k.unknown, a.unknown);
  }
  std::optional<GrubInitrd> initrd;
  if (!b.initrds.empty()) {
    initrd = GrubInitrd{"initrd", {}, {}, GrubLocation{b.file, b.kernel_line}, f.conds};
    for (const std::string& value : b.initrds)
      for (Arg& a : expand(f, bls_words(b, value, "initrd"))) {
        initrd->paths.push_back(a.text);
        add_unique(initrd->unknown, a.unknown);
      }
  }
  GrubEntry& entry = cfg_.entries[index];
  entry.kernel = std::move(k);
  entry.initrd = std::move(initrd);
  entry.modules.push_back(GrubModule{"gzio", GrubLocation{b.file, b.kernel_line}, f.conds});
}

// GRUB runs the lines blscfg writes as script: values are split as words.
std::vector<Word> Interpreter::bls_words(const BlsEntry& b, const std::string& text,
                                         const char* key) {
  Lexer lexer(text);
  std::vector<Word> words;
  for (Token t = lexer.next(); t.kind != Tok::eof; t = lexer.next()) {
    if (t.kind == Tok::word) {
      words.push_back(std::move(t.word));
      continue;
    }
    int line = 0;
    for (size_t i = 0; i < b.fields.size() && line == 0; ++i)
      if (b.fields[i].first == key) line = b.field_lines[i];
    cfg_.diagnostics.push_back(line_diag(
        Severity::error, b.file, line, std::string(key) + " " + text, "bls-" + std::string(key),
        "GRUB cannot run the " + std::string(key == std::string("options") ? "linux" : key) +
            " line blscfg makes from this: " + token_problem(t)));
    break;
  }
  return words;
}

}  // namespace mdguard::grub
