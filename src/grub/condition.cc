// SPDX-License-Identifier: GPL-2.0-or-later
// GRUB's `test` and `[` (grub-core/commands/test.c) over arguments that may
// be unknown: the conditions of `if`, `while` and `until`. A condition
// decided here takes one branch, as GRUB would at every boot; an unknown one
// makes the interpreter follow every branch.
#include "grub/interpreter.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mdguard::grub {

namespace {

Truth truth_not(Truth t) {
  if (t == Truth::unknown) return t;
  return t == Truth::yes ? Truth::no : Truth::yes;
}
Truth truth_and(Truth a, Truth b) {
  if (a == Truth::no || b == Truth::no) return Truth::no;
  if (a == Truth::yes && b == Truth::yes) return Truth::yes;
  return Truth::unknown;
}
Truth truth_or(Truth a, Truth b) {
  if (a == Truth::yes || b == Truth::yes) return Truth::yes;
  if (a == Truth::no && b == Truth::no) return Truth::no;
  return Truth::unknown;
}
Truth truth_of(bool b) {
  return b ? Truth::yes : Truth::no;
}

std::optional<long long> parse_integer(const std::string& s) {
  size_t i = s.size() > 0 && (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == s.size() || s.size() > 18) return std::nullopt;
  long long n = 0;
  for (size_t j = i; j < s.size(); ++j) {
    if (!is_digit(s[j])) return std::nullopt;
    n = n * 10 + (s[j] - '0');
  }
  return s[0] == '-' ? -n : n;
}

// GRUB's `test` / `[`, over values that may be unknown. File tests are
// unknown, except that the environment block exists when the caller gave one.
class TestExpr {
 public:
  TestExpr(std::vector<Arg> args, bool have_grubenv)
      : a_(std::move(args)), grubenv_(have_grubenv) {}

  Truth eval() {
    if (a_.empty()) return Truth::no;
    Truth t = any_or();
    return i_ == a_.size() ? t : Truth::unknown;
  }

 private:
  bool at(std::string_view s) const { return i_ < a_.size() && a_[i_].text == s; }

  Truth any_or() {
    Truth t = any_and();
    while (at("-o")) {
      ++i_;
      t = truth_or(t, any_and());
    }
    return t;
  }

  Truth any_and() {
    Truth t = negation();
    while (at("-a")) {
      ++i_;
      t = truth_and(t, negation());
    }
    return t;
  }

  Truth negation() {
    if (at("!")) {
      ++i_;
      return truth_not(negation());
    }
    return primary();
  }

  static bool binary_op(std::string_view s) {
    static constexpr std::string_view kOps[] = {"=",   "==",   "!=",   "<",   "<=",  ">",
                                                ">=",  "-eq",  "-ne",  "-lt", "-le", "-gt",
                                                "-ge", "-pgt", "-plt", "-nt", "-ot"};
    return std::find(std::begin(kOps), std::end(kOps), s) != std::end(kOps);
  }

  Truth compare(const Arg& l, const std::string& op, const Arg& r) const {
    if (!l.unknown.empty() || !r.unknown.empty()) return Truth::unknown;
    int c = l.text.compare(r.text);
    if (op == "=" || op == "==") return truth_of(c == 0);
    if (op == "!=") return truth_of(c != 0);
    if (op == "<") return truth_of(c < 0);
    if (op == "<=") return truth_of(c <= 0);
    if (op == ">") return truth_of(c > 0);
    if (op == ">=") return truth_of(c >= 0);
    auto x = parse_integer(l.text), y = parse_integer(r.text);
    if (!x || !y) return Truth::unknown;
    if (op == "-eq") return truth_of(*x == *y);
    if (op == "-ne") return truth_of(*x != *y);
    if (op == "-lt") return truth_of(*x < *y);
    if (op == "-le") return truth_of(*x <= *y);
    if (op == "-gt") return truth_of(*x > *y);
    if (op == "-ge") return truth_of(*x >= *y);
    return Truth::unknown;  // -pgt -plt -nt -ot
  }

  Truth primary() {
    if (i_ >= a_.size()) return Truth::no;
    if (at("(")) {
      ++i_;
      Truth t = any_or();
      if (!at(")")) return Truth::unknown;
      ++i_;
      return t;
    }
    if (i_ + 2 < a_.size() && binary_op(a_[i_ + 1].text)) {
      const Arg& l = a_[i_];
      std::string op = a_[i_ + 1].text;
      const Arg& r = a_[i_ + 2];
      i_ += 3;
      return compare(l, op, r);
    }
    const std::string& op = a_[i_].text;
    if (i_ + 1 < a_.size() && (op == "-n" || op == "-z")) {
      const Arg& v = a_[i_ + 1];
      i_ += 2;
      if (!v.unknown.empty()) return Truth::unknown;
      return truth_of(op == "-n" ? !v.text.empty() : v.text.empty());
    }
    if (i_ + 1 < a_.size() && (op == "-e" || op == "-f" || op == "-s" || op == "-d")) {
      const Arg& v = a_[i_ + 1];
      i_ += 2;
      bool env_file = v.text.size() >= 7 && v.text.compare(v.text.size() - 7, 7, "grubenv") == 0;
      return env_file && grubenv_ && op != "-d" ? Truth::yes : Truth::unknown;
    }
    const Arg& v = a_[i_++];
    if (!v.unknown.empty()) return Truth::unknown;
    return truth_of(!v.text.empty());
  }

  std::vector<Arg> a_;
  bool grubenv_;
  size_t i_ = 0;
};

}  // namespace

Truth eval_test(std::vector<Arg> args, bool have_grubenv) {
  return TestExpr(std::move(args), have_grubenv).eval();
}

}  // namespace mdguard::grub
