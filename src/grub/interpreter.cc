// SPDX-License-Identifier: GPL-2.0-or-later
// The Interpreter of interpreter.h: the files it reads, the expansion of
// words into arguments, the statements (grub-core/script/execute.c), and
// parse_grub_cfg().
//
// Variables: `set x=y`, `x=y`, unset, export (commands.cc); load_env reads
// the environment block the caller passes (grubenv). A variable GRUB sets
// itself (root, prefix, grub_platform, ...) is unknown unless the caller
// gives it; the feature_* variables of GRUB >= 2.00 are "y"; anything else
// never set is empty, as in GRUB. Unknown values stay as ${name} in text.
//
// `if`: a condition mdguard can decide (`[ x$feature_menuentry_id = xy ]`,
// `[ "${next_entry}" ]` with a known grubenv, true, false) takes one branch
// as GRUB would; otherwise every branch is followed, what they define is
// recorded with the condition, and a variable the branches set differently
// becomes unknown. Loops run their body once, symbolically.
#include "grub/interpreter.h"

#include <set>
#include <utility>

namespace mdguard::grub {

bool grub_sets_itself(std::string_view name) {
  static constexpr std::string_view kNames[] = {"root",
                                                "prefix",
                                                "cmdpath",
                                                "grub_platform",
                                                "grub_cpu",
                                                "config_directory",
                                                "config_file",
                                                "chosen",
                                                "boot",
                                                "lang",
                                                "locale_dir",
                                                "secondary_locale_dir",
                                                "net_default_interface",
                                                "net_default_ip",
                                                "net_default_mac",
                                                "net_default_server",
                                                "pxe_default_server",
                                                "check_signatures",
                                                "shim_lock",
                                                "superusers",
                                                "debug",
                                                "pager",
                                                "color_normal",
                                                "color_highlight",
                                                "gfxmode",
                                                "gfxpayload",
                                                "icondir",
                                                "theme",
                                                "?",
                                                "#",
                                                "*",
                                                "@"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

Var lookup(const Env& env, std::string_view name) {
  if (auto it = env.find(name); it != env.end()) return it->second;
  if (grub_sets_itself(name))
    return Var{"${" + std::string(name) + "}", {std::string(name)}, false};
  return Var{};  // never set: GRUB expands it to nothing
}

namespace {

// What several branches leave behind: a variable they disagree on becomes unknown.
Env merge(const std::vector<Env>& outcomes) {
  std::set<std::string, std::less<>> names;
  for (const Env& e : outcomes)
    for (const auto& [name, var] : e) names.insert(name);
  Env out;
  for (const std::string& name : names) {
    Var first = lookup(outcomes[0], name);
    bool agree = true, exported = false;
    for (const Env& e : outcomes) {
      Var v = lookup(e, name);
      agree = agree && v.same(first);
      if (auto it = e.find(name); it != e.end()) exported = exported || it->second.exported;
    }
    Var v = agree ? first : Var{"${" + name + "}", {name}, false};
    v.exported = exported;
    out[name] = v;
  }
  return out;
}

std::string condition_text(const SourceFile& f, const std::vector<Node>& cond) {
  if (cond.empty()) return "";
  return f.written(cond.front().begin, cond.back().end);
}

}  // namespace

void Interpreter::run(std::string_view filename, std::string_view text) {
  Env env;
  for (const char* f : {"feature_200_final", "feature_all_video_module", "feature_chainloader_bpb",
                        "feature_default_font_path", "feature_menuentry_id",
                        "feature_menuentry_options", "feature_nativedisk_cmd", "feature_ntldr",
                        "feature_platform_search_hint", "feature_timeout_style"})
    env[f] = Var{"y", {}, true};
  // GRUB sets and exports root and prefix before it reads grub.cfg.
  for (const char* name : {"root", "prefix"})
    env[name] = Var{"${" + std::string(name) + "}", {name}, true};
  for (const auto& [name, value] : opt_.variables) env[name] = Var{value, {}, true};
  const SourceFile* file = load(std::string(filename), std::string(text));
  Frame top;
  top.env = &env;
  top.file = file;
  top.roots = &cfg_.root;
  stack_.push_back(file->name);
  run_nodes(file->nodes, top);
  stack_.pop_back();
  const Env& final_env = replaced_ ? replaced_env_ : env;
  for (const auto& [name, var] : final_env) cfg_.globals[name] = GrubValue{var.value, var.unknown};
}

// ---- Files ----

const SourceFile* Interpreter::load(std::string name, std::string text) {
  files_.push_back(SourceFile{});
  SourceFile& f = files_.back();
  f.name = std::move(name);
  f.raw = std::move(text);
  f.clean = clean_text(f.raw);
  f.line_starts.push_back(0);
  for (size_t i = 0; i < f.raw.size(); ++i)
    if (f.raw[i] == '\n') f.line_starts.push_back(i + 1);
  cfg_.files.push_back(f.name);
  std::vector<SyntaxError> errors;
  f.nodes = parse_script(f.clean.text, errors);
  for (const SyntaxError& e : errors) {
    Diagnostic d = make_diag(Severity::error, f.name, "grub-syntax", e.message);
    f.locate(d, e.at);
    cfg_.diagnostics.push_back(std::move(d));
  }
  return &f;
}

GrubLocation Interpreter::where(const Frame& f, size_t offset) const {
  return GrubLocation{f.file->name, f.file->line(offset)};
}

void Interpreter::report(const Frame& f, size_t offset, Severity severity, std::string code,
                         std::string message) {
  Diagnostic d = make_diag(severity, f.file->name, std::move(code), std::move(message));
  f.file->locate(d, offset);
  cfg_.diagnostics.push_back(std::move(d));
}

// ---- Expansion (grub_script_arglist_to_argv) ----

Var Interpreter::var_value(const Frame& f, const std::string& name) const {
  if (!name.empty() && is_digit(name[0])) {
    size_t n = name.size() < 6 ? std::stoul(name) : 1000000;
    if (f.positional && n >= 1 && n <= f.positional->size()) {
      const Arg& a = (*f.positional)[n - 1];
      return Var{a.text, a.unknown, false};
    }
    if (f.positional || n == 0) return Var{};
    return Var{"${" + name + "}", {name}, false};
  }
  if (name == "#" && f.positional) return Var{std::to_string(f.positional->size()), {}, false};
  return lookup(*f.env, name);
}

// Each word becomes zero or more arguments: an unquoted variable is split at
// blanks, and a word that adds nothing (an empty unquoted variable) is none.
std::vector<Arg> Interpreter::expand(const Frame& f, const std::vector<Word>& words,
                                     size_t from) const {
  std::vector<Arg> out;
  for (size_t w = from; w < words.size(); ++w) {
    std::optional<Arg> cur;
    auto append = [&](const std::string& s, const std::vector<std::string>& unknown) {
      if (!cur) cur = Arg{};
      cur->text += s;
      add_unique(cur->unknown, unknown);
    };
    for (const Piece& p : words[w].pieces) {
      if (!p.var) {
        if (p.quoted || !p.s.empty()) append(p.s, {});
        continue;
      }
      Var v = var_value(f, p.s);
      if (v.value.empty()) continue;
      if (p.quoted) {
        append(v.value, v.unknown);
        continue;
      }
      const std::string& s = v.value;
      size_t i = 0;
      while (i < s.size() && is_space(s[i])) ++i;
      while (i < s.size()) {
        size_t j = i;
        while (j < s.size() && !is_space(s[j])) ++j;
        append(s.substr(i, j - i), v.unknown);
        while (j < s.size() && is_space(s[j])) ++j;
        if (j < s.size()) {
          out.push_back(std::move(*cur));
          cur.reset();
        }
        i = j;
      }
    }
    if (cur) out.push_back(std::move(*cur));
  }
  return out;
}

// ---- Statements ----

void Interpreter::run_nodes(const std::vector<Node>& nodes, Frame& f) {
  if (++depth_ > kMaxDepth) {
    if (!nodes.empty())
      limit(f, nodes.front().begin,
            "nested more than " + std::to_string(kMaxDepth) + " levels deep");
    --depth_;
    return;
  }
  for (const Node& n : nodes) {
    if (replaced_ || stopped_) break;
    if (++steps_ > kMaxSteps) {
      limit(f, n.begin, "more than " + std::to_string(kMaxSteps) + " commands to run");
      break;
    }
    switch (n.kind) {
      case Node::Kind::command: run_command(n, f); break;
      case Node::Kind::if_: run_if(n, f); break;
      case Node::Kind::for_:
      case Node::Kind::while_:
      case Node::Kind::until_: run_loop(n, f); break;
      case Node::Kind::function:
        functions_[n.name] = {&n, f.file};
        if (std::find(cfg_.functions.begin(), cfg_.functions.end(), n.name) == cfg_.functions.end())
          cfg_.functions.push_back(n.name);
        break;
    }
  }
  --depth_;
}

// Stops the whole evaluation, once, saying why.
void Interpreter::limit(const Frame& f, size_t offset, const std::string& what, const char* code) {
  if (!stopped_) report(f, offset, Severity::warning, code, "mdguard stops reading here: " + what);
  stopped_ = true;
}

// The exit status of a condition: that of its last command.
Truth Interpreter::condition(const std::vector<Node>& cond, const Frame& f) const {
  if (cond.empty() || cond.back().kind != Node::Kind::command) return Truth::unknown;
  const Node& last = cond.back();
  std::vector<Arg> args = expand(f, last.words);
  if (args.empty() || !args[0].unknown.empty()) return Truth::unknown;
  const std::string name = args[0].text;
  if (name == "true") return Truth::yes;
  if (name == "false") return Truth::no;
  if (name != "[" && name != "test") return Truth::unknown;
  args.erase(args.begin());
  if (name == "[" && !args.empty() && args.back().text == "]") args.pop_back();
  return eval_test(std::move(args), !opt_.grubenv.empty());
}

// Runs `body` on a copy of the variables, under one more condition.
Env Interpreter::run_branch(const std::vector<Node>& body, const Frame& f, std::string cond) {
  Env env = *f.env;
  Frame g = f;
  g.env = &env;
  g.conds.push_back(std::move(cond));
  run_nodes(body, g);
  return env;
}

void Interpreter::run_if(const Node& n, Frame& f) {
  std::vector<Env> outcomes;
  std::string first = condition_text(*f.file, n.conds[0]);
  for (size_t i = 0; i < n.conds.size(); ++i) {
    Truth t = condition(n.conds[i], f);
    if (t == Truth::no) continue;
    std::string label = (i == 0 ? "if " : "elif ") + condition_text(*f.file, n.conds[i]);
    if (t == Truth::yes && outcomes.empty()) {
      run_nodes(n.bodies[i], f);
      return;
    }
    outcomes.push_back(run_branch(n.bodies[i], f, label));
    if (t == Truth::yes) {
      *f.env = merge(outcomes);
      return;
    }
  }
  if (n.has_else) {
    if (outcomes.empty()) {
      run_nodes(n.else_body, f);
      return;
    }
    outcomes.push_back(run_branch(n.else_body, f, "else of if " + first));
  } else {
    if (outcomes.empty()) return;
    outcomes.push_back(*f.env);
  }
  *f.env = merge(outcomes);
}

// A loop body runs once, under the loop as a condition; the loop may also
// not run at all.
void Interpreter::run_loop(const Node& n, Frame& f) {
  std::string label;
  if (n.kind == Node::Kind::for_) {
    label = "for " + n.name + " in";
    for (const Word& w : n.words) label += " " + w.raw;
  } else {
    label = (n.kind == Node::Kind::while_ ? "while " : "until ") + condition_text(*f.file, n.cond);
    Truth t = condition(n.cond, f);
    if (t == (n.kind == Node::Kind::while_ ? Truth::no : Truth::yes)) return;
  }
  Env env = *f.env;
  Frame g = f;
  g.env = &env;
  g.conds.push_back(label);
  if (n.kind == Node::Kind::for_) env[n.name] = Var{"${" + n.name + "}", {n.name}, false};
  run_nodes(n.body, g);
  *f.env = merge({*f.env, env});
}

}  // namespace mdguard::grub

namespace mdguard {

GrubConfig parse_grub_cfg(std::string_view filename, std::string_view text,
                          const GrubCfgOptions& options) {
  GrubConfig cfg;
  grub::Interpreter(cfg, options).run(filename, text);
  // Parse errors come first and evaluation findings later: order by place.
  auto rank = [&cfg](const Diagnostic& d) {
    auto it = std::find(cfg.files.begin(), cfg.files.end(), d.file);
    return std::make_pair(it - cfg.files.begin(), d.line);
  };
  std::stable_sort(cfg.diagnostics.begin(), cfg.diagnostics.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return rank(a) < rank(b); });
  return cfg;
}

}  // namespace mdguard
