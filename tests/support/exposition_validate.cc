// SPDX-License-Identifier: GPL-2.0-or-later
#include "support/exposition_validate.h"

#include <cstdlib>
#include <map>
#include <set>
#include <vector>

#include "support/json_validate.h"

namespace mdguard::testing {
namespace {

bool name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool name_char(char c) {
  return name_start(c) || (c >= '0' && c <= '9');
}

bool metric_name(std::string_view s) {
  if (s.empty() || !(name_start(s[0]) || s[0] == ':')) return false;
  for (char c : s)
    if (!name_char(c) && c != ':') return false;
  return true;
}

// Go's strconv.ParseFloat as expfmt calls it, less hex floats and
// underscores, which no exporter writes.
bool float_value(std::string_view s) {
  if (s == "NaN" || s == "+Inf" || s == "-Inf" || s == "Inf") return true;
  if (s.empty()) return false;
  std::string text(s);
  for (char c : text)
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'))
      return false;
  char* end = nullptr;
  (void)std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

struct Family {
  std::string type;
  bool help = false;
  bool sampled = false;
  bool closed = false;  // another family's sample came after this one's
  std::set<std::string> series;
};

class Checker {
 public:
  ExpositionProblem run(std::string_view text) {
    if (!text.empty() && text.back() != '\n') return {count_lines(text), "no line feed at the end"};
    if (const char* why = utf8_problem(text)) return {1, why};
    size_t start = 0;
    for (size_t n = 1; start < text.size(); ++n) {
      size_t nl = text.find('\n', start);
      std::string_view line = text.substr(start, nl - start);
      start = nl + 1;
      line_ = n;
      if (!(line.empty() || (line[0] == '#' ? comment(line) : sample(line)))) return problem_;
    }
    for (const auto& [name, f] : families_) {
      if (f.type.empty()) return {0, name + ": no TYPE line"};
      if (!f.help) return {0, name + ": no HELP line"};
    }
    return {};
  }

 private:
  std::map<std::string, Family> families_;
  std::string current_;  // the family of the last sample
  size_t line_ = 0;
  ExpositionProblem problem_;

  static size_t count_lines(std::string_view t) {
    size_t n = 1;
    for (char c : t) n += c == '\n';
    return n;
  }
  bool fail(std::string message) {
    problem_ = {line_, std::move(message)};
    return false;
  }

  // "# HELP name text", "# TYPE name type"; any other "#" line is a comment.
  bool comment(std::string_view line) {
    std::string_view rest = line.substr(1);
    while (!rest.empty() && (rest[0] == ' ' || rest[0] == '\t')) rest.remove_prefix(1);
    bool help = rest.substr(0, 5) == "HELP ", type = rest.substr(0, 5) == "TYPE ";
    if (!help && !type) return true;
    rest.remove_prefix(5);
    size_t sp = rest.find(' ');
    std::string name(rest.substr(0, sp));
    std::string_view arg = sp == std::string_view::npos ? "" : rest.substr(sp + 1);
    if (!metric_name(name)) return fail("'" + name + "' is not a metric name");
    Family& f = families_[name];
    if (help) {
      if (f.help) return fail(name + ": a second HELP line");
      f.help = true;
      for (size_t i = 0; i < arg.size(); ++i)
        if (arg[i] == '\\' && (++i == arg.size() || (arg[i] != '\\' && arg[i] != 'n')))
          return fail(name + ": HELP has an escape other than \\\\ and \\n");
      return true;
    }
    if (!f.type.empty()) return fail(name + ": a second TYPE line");
    if (f.sampled) return fail(name + ": TYPE after the metric's samples");
    if (arg != "gauge" && arg != "counter" && arg != "untyped")
      return fail(name + ": TYPE '" + std::string(arg) + "' (this checker knows gauge, counter, " +
                  "untyped)");
    if (arg == "counter" && (name.size() < 6 || name.substr(name.size() - 6) != "_total"))
      return fail(name + ": a counter's name must end in _total");
    if (arg != "counter" && name.size() >= 6 && name.substr(name.size() - 6) == "_total")
      return fail(name + ": _total is for counters");
    f.type = std::string(arg);
    return true;
  }

  // name[{label="value",...}] value [timestamp]
  bool sample(std::string_view line) {
    size_t i = 0;
    while (i < line.size() && (name_char(line[i]) || line[i] == ':')) ++i;
    std::string name(line.substr(0, i));
    if (!metric_name(name)) return fail("a sample without a valid metric name");
    std::map<std::string, std::string> labels;
    if (i < line.size() && line[i] == '{' && !label_set(line, ++i, name, labels)) return false;
    if (i >= line.size() || line[i] != ' ') return fail(name + ": a space must precede the value");
    std::string_view rest = line.substr(i + 1);
    size_t sp = rest.find(' ');
    if (!float_value(rest.substr(0, sp))) return fail(name + ": the value is not a number");
    if (sp != std::string_view::npos) {
      std::string_view ts = rest.substr(sp + 1);
      if (ts.empty() || ts.find_first_not_of("-0123456789") != std::string_view::npos)
        return fail(name + ": the timestamp is not an integer");
    }
    Family& f = families_[name];
    if (f.closed) return fail(name + ": its samples are not one group");
    if (!current_.empty() && current_ != name) families_[current_].closed = true;
    current_ = name;
    f.sampled = true;
    std::string key;
    for (const auto& [k, v] : labels) key += k + '\0' + v + '\0';
    if (!f.series.insert(key).second) return fail(name + ": the same series twice");
    return true;
  }

  bool label_set(std::string_view line, size_t& i, const std::string& name,
                 std::map<std::string, std::string>& labels) {
    for (;;) {
      if (i < line.size() && line[i] == '}') return ++i, true;
      size_t start = i;
      if (i >= line.size() || !name_start(line[i])) return fail(name + ": a bad label name");
      while (i < line.size() && name_char(line[i])) ++i;
      std::string label(line.substr(start, i - start));
      if (label.substr(0, 2) == "__") return fail(name + ": label " + label + " is reserved");
      if (line.substr(i, 2) != "=\"") return fail(name + ": label " + label + " needs =\"");
      i += 2;
      std::string value;
      for (;; ++i) {
        if (i >= line.size()) return fail(name + ": an unterminated label value");
        if (line[i] == '"') break;
        if (line[i] == '\\') {
          if (++i >= line.size() || (line[i] != '\\' && line[i] != '"' && line[i] != 'n'))
            return fail(name + ": label " + label + " has an escape other than \\\\ \\\" \\n");
        }
        value += line[i];
      }
      ++i;  // closing quote
      if (!labels.emplace(label, value).second) return fail(name + ": label " + label + " twice");
      if (i < line.size() && line[i] == ',')
        ++i;
      else if (i >= line.size() || line[i] != '}')
        return fail(name + ": ',' or '}' expected");
    }
  }
};

}  // namespace

ExpositionProblem validate_exposition(std::string_view text) {
  return Checker().run(text);
}

}  // namespace mdguard::testing
