// SPDX-License-Identifier: GPL-2.0-or-later
// default_grub.h's reader: as much of the POSIX shell as assignments need,
// and never more; any other shell code is reported and skipped, not run.
#include "grub/default_grub.h"

#include <algorithm>
#include <utility>

#include "grub/syntax.h"

namespace mdguard {

using grub::is_name;
using grub::is_name_char;
using grub::is_name_start;
using grub::is_space;
using grub::line_diag;
using grub::Severity;
using grub::split_lines;

const DefaultGrubSetting* DefaultGrub::find(std::string_view key) const {
  for (auto it = settings.rbegin(); it != settings.rend(); ++it)
    if (it->key == key) return &*it;
  return nullptr;
}

std::string DefaultGrub::value(std::string_view key) const {
  const DefaultGrubSetting* s = find(key);
  return s ? s->value : "";
}

namespace {

// A word of a POSIX shell line, as far as assignments need: quotes and
// escapes removed, $VAR expanded from earlier settings; command substitution
// and ${VAR...} operators make it uncomputable.
struct ShellWord {
  std::string text;  // expanded
  std::string raw;   // as written
  bool computed = true;
  size_t assign_at = std::string::npos;  // '=' of NAME=, in text
};

class ShellReader {
 public:
  ShellReader(DefaultGrub& into, std::string_view file, std::string_view text)
      : into_(into), file_(file), s_(text), lines_(split_lines(text)) {}

  void run() {
    while (pos_ < s_.size()) {
      int line = line_;
      std::vector<ShellWord> words;
      bool plain = command(words);
      if (failed_) return;
      if (!words.empty()) settle(words, plain, line);
    }
  }

 private:
  std::string_view source(int line) const {
    return line >= 1 && line <= static_cast<int>(lines_.size())
               ? lines_[static_cast<size_t>(line - 1)]
               : "";
  }

  void diag(Severity severity, int line, std::string code, std::string message) {
    into_.diagnostics.push_back(
        line_diag(severity, file_, line, source(line), std::move(code), std::move(message)));
  }

  char at(size_t i) const { return i < s_.size() ? s_[i] : '\0'; }

  // Reads one simple command; false when it holds shell syntax beyond words.
  bool command(std::vector<ShellWord>& words) {
    bool plain = true;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else if (c == '\\' && at(pos_ + 1) == '\n') {
        pos_ += 2;
        ++line_;
      } else if (c == '#') {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else if (c == '\n') {
        ++pos_;
        ++line_;
        return plain;
      } else if (c == ';') {
        ++pos_;
        return plain;
      } else if (c == '&' || c == '|' || c == '<' || c == '>' || c == '(' || c == ')') {
        ++pos_;
        plain = false;
      } else {
        words.push_back(word());
        if (failed_) return false;
      }
    }
    return plain;
  }

  void expand_name(ShellWord& w, const std::string& name) {
    const DefaultGrubSetting* s = into_.find(name);
    if (!s) return;
    w.text += s->value;
    w.computed = w.computed && s->computed;
  }

  // $NAME, ${NAME}; $( and ${...} with operators cannot be computed.
  void dollar(ShellWord& w) {
    size_t start = pos_++;
    if (at(pos_) == '(') {
      skip_until_close('(', ')');
      w.computed = false;
    } else if (at(pos_) == '{') {
      size_t close = s_.find('}', pos_);
      if (close == std::string_view::npos) close = s_.size() - 1;
      std::string inner(s_.substr(pos_ + 1, close - pos_ - 1));
      pos_ = close + 1;
      if (is_name(inner))
        expand_name(w, inner);
      else
        w.computed = false;
    } else if (is_name_start(at(pos_))) {
      size_t b = pos_;
      while (is_name_char(at(pos_))) ++pos_;
      expand_name(w, std::string(s_.substr(b, pos_ - b)));
    } else {
      w.text += '$';
    }
    (void)start;
  }

  void skip_until_close(char open, char close) {
    int depth = 0;
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '\n') ++line_;
      if (c == '\\') {
        ++pos_;
      } else if (c == open) {
        ++depth;
      } else if (c == close && --depth == 0) {
        return;
      }
    }
  }

  void backquote(ShellWord& w) {
    ++pos_;
    while (pos_ < s_.size() && s_[pos_] != '`') {
      if (s_[pos_] == '\n') ++line_;
      pos_ += s_[pos_] == '\\' ? 2 : 1;
    }
    ++pos_;
    w.computed = false;
  }

  void unterminated(int line, const char* what) {
    diag(Severity::error, line, "default-grub-quote",
         std::string("unterminated ") + what +
             ": the shell refuses the file and grub-mkconfig stops");
    failed_ = true;
  }

  ShellWord word() {
    ShellWord w;
    size_t begin = pos_;
    bool quoted_yet = false;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '&' || c == '|' ||
          c == '<' || c == '>' || c == '(' || c == ')')
        break;
      if (c == '=' && !quoted_yet && w.assign_at == std::string::npos && is_name(w.text)) {
        w.assign_at = w.text.size();
        w.text += c;
        ++pos_;
      } else if (c == '\\') {
        if (at(pos_ + 1) == '\n') {
          ++line_;
        } else if (pos_ + 1 < s_.size()) {
          w.text += s_[pos_ + 1];
        }
        pos_ += 2;
        quoted_yet = true;
      } else if (c == '\'') {
        int line = line_;
        size_t close = s_.find('\'', pos_ + 1);
        if (close == std::string_view::npos) {
          unterminated(line, "single quote");
          return w;
        }
        std::string_view inner = s_.substr(pos_ + 1, close - pos_ - 1);
        line_ += static_cast<int>(std::count(inner.begin(), inner.end(), '\n'));
        w.text += inner;
        pos_ = close + 1;
        quoted_yet = true;
      } else if (c == '"') {
        if (!double_quoted(w)) return w;
        quoted_yet = true;
      } else if (c == '$') {
        dollar(w);
      } else if (c == '`') {
        backquote(w);
      } else {
        w.text += c;
        ++pos_;
      }
    }
    w.raw = std::string(s_.substr(begin, pos_ - begin));
    return w;
  }

  bool double_quoted(ShellWord& w) {
    int line = line_;
    ++pos_;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      char c = s_[pos_];
      if (c == '\\' && pos_ + 1 < s_.size()) {
        char n = s_[pos_ + 1];
        if (n == '\n') {
          ++line_;
        } else if (n == '$' || n == '`' || n == '"' || n == '\\') {
          w.text += n;
        } else {
          w.text += c;
          w.text += n;
          if (n == '\n') ++line_;
        }
        pos_ += 2;
      } else if (c == '$') {
        dollar(w);
      } else if (c == '`') {
        backquote(w);
      } else {
        if (c == '\n') ++line_;
        w.text += c;
        ++pos_;
      }
    }
    if (pos_ >= s_.size()) {
      unterminated(line, "double quote");
      return false;
    }
    ++pos_;
    return true;
  }

  void settle(const std::vector<ShellWord>& words, bool plain, int line) {
    size_t i = words[0].raw == "export" || words[0].raw == "readonly" ? 1 : 0;
    bool assignments = plain && i < words.size();
    for (size_t k = i; k < words.size(); ++k)
      assignments = assignments && words[k].assign_at != std::string::npos;
    bool bare_export = plain && i == 1 &&
                       std::all_of(words.begin() + 1, words.end(),
                                   [](const ShellWord& w) { return is_name(w.raw); });
    if (!assignments) {
      if (!bare_export && line != warned_line_) {
        warned_line_ = line;
        diag(
            Severity::warning, line, "default-grub-not-assignment",
            "not a KEY=VALUE assignment: mdguard does not run shell code, so this line is ignored");
      }
      return;
    }
    for (size_t k = i; k < words.size(); ++k) {
      const ShellWord& w = words[k];
      DefaultGrubSetting s;
      s.key = w.text.substr(0, w.assign_at);
      s.computed = w.computed;
      if (w.computed) {
        s.value = w.text.substr(w.assign_at + 1);
      } else {
        size_t eq = w.raw.find('=');
        s.value = w.raw.substr(eq + 1);
      }
      s.file = std::string(file_);
      s.line = line;
      into_.settings.push_back(std::move(s));
    }
  }

  DefaultGrub& into_;
  std::string_view file_;
  std::string_view s_;
  std::vector<std::string_view> lines_;
  size_t pos_ = 0;
  int line_ = 1;
  int warned_line_ = 0;
  bool failed_ = false;
};

std::vector<std::string> split_blanks(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    size_t j = i;
    while (j < s.size() && !is_space(s[j])) ++j;
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

void read_default_grub(DefaultGrub& into, std::string_view filename, std::string_view text) {
  ShellReader(into, filename, text).run();
}

DefaultGrub parse_default_grub(std::string_view filename, std::string_view text) {
  DefaultGrub d;
  read_default_grub(d, filename, text);
  return d;
}

std::vector<std::string> default_grub_kernel_args(const DefaultGrub& d) {
  std::vector<std::string> out = split_blanks(d.value("GRUB_CMDLINE_LINUX"));
  for (std::string& a : split_blanks(d.value("GRUB_CMDLINE_LINUX_DEFAULT")))
    out.push_back(std::move(a));
  return out;
}

}  // namespace mdguard
