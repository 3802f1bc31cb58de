// SPDX-License-Identifier: GPL-2.0-or-later
// The lexer of lexer.h, after GRUB's grub-core/script/yylex.l, and the
// cleaning GRUB's reader does first (grub-core/normal/main.c
// read_config_file_getline).
#include "grub/lexer.h"

#include <algorithm>
#include <utility>

#include "grub/syntax.h"

namespace mdguard::grub {

CleanText clean_text(std::string_view raw) {
  CleanText c;
  size_t i = 0;
  while (i < raw.size()) {
    size_t end = std::min(raw.find('\n', i), raw.size());
    size_t first = i;
    while (first < end && raw[first] == '\r') ++first;
    bool comment_line = first < end && raw[first] == '#';
    if (!comment_line) {
      for (size_t j = i; j < end; ++j) {
        if (raw[j] == '\0') break;
        if (raw[j] == '\r') continue;
        c.text += raw[j];
        c.origin.push_back(j);
      }
      if (end < raw.size()) {
        c.text += '\n';
        c.origin.push_back(end);
      }
    }
    i = end + 1;
  }
  c.origin.push_back(raw.size());
  return c;
}

namespace {

constexpr const char* kBadVariable =
    "'$' must be followed by a variable name: $name, ${name}, $1, $? ...";

}  // namespace

Token Lexer::next() {
  for (;;) {
    while (pos_ < s_.size() && is_blank(s_[pos_])) ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '#') {
      while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      continue;
    }
    break;
  }
  Token t;
  t.begin = pos_;
  if (pos_ >= s_.size()) {
    t.kind = Tok::eof;
    t.end = pos_;
    return t;
  }
  char c = s_[pos_];
  char d = pos_ + 1 < s_.size() ? s_[pos_ + 1] : '\0';
  switch (c) {
    case '\n': return single(t, Tok::newline);
    case '{': return single(t, Tok::lbrace);
    case '}': return single(t, Tok::rbrace);
    case ';':
      if (d == ';') return bad(t, ";;");
      return single(t, Tok::semi);
    case '&':
    case '|': return bad(t, d == c ? std::string(2, c) : std::string(1, c));
    case '<':
    case '>': return bad(t, std::string(1, c));
    default: return word(t);
  }
}

Token Lexer::single(Token& t, Tok kind) {
  t.kind = kind;
  t.end = ++pos_;
  return t;
}

Token Lexer::bad(Token& t, const std::string& op) {
  t.kind = Tok::bad;
  pos_ += op.size();
  t.end = pos_;
  t.message = quoted(op) + " is not part of GRUB's script language";
  return t;
}

Token Lexer::error(Token& t, size_t at, std::string message, bool swallow_rest) {
  t.kind = Tok::error;
  t.begin = at;
  t.message = std::move(message);
  pos_ = swallow_rest ? s_.size() : std::max(pos_, at + 1);
  t.end = pos_;
  return t;
}

void Lexer::literal(Word& w, char c, bool quoted_part) {
  if (w.pieces.empty() || w.pieces.back().var || w.pieces.back().quoted != quoted_part)
    w.pieces.push_back(Piece{false, quoted_part, ""});
  w.pieces.back().s += c;
}

// $name ${name} $1 ${1} $? ${?} (also # * @); pos_ at '$'. False when
// nothing valid follows, which GRUB's lexer rejects.
bool Lexer::variable(Word& w, bool quoted_part) {
  size_t p = pos_ + 1;
  bool braced = p < s_.size() && s_[p] == '{';
  if (braced) ++p;
  size_t start = p;
  if (p < s_.size() && is_name_start(s_[p])) {
    while (p < s_.size() && is_name_char(s_[p])) ++p;
  } else if (p < s_.size() && is_digit(s_[p])) {
    while (p < s_.size() && is_digit(s_[p])) ++p;
  } else if (p < s_.size() && (s_[p] == '?' || s_[p] == '#' || s_[p] == '*' || s_[p] == '@')) {
    ++p;
  }
  if (p == start) return false;
  std::string name = s_.substr(start, p - start);
  if (braced) {
    if (p >= s_.size() || s_[p] != '}') return false;
    ++p;
  }
  w.pieces.push_back(Piece{true, quoted_part, name});
  pos_ = p;
  return true;
}

// "...": \$ \\ \" and backslash-newline are escapes, other backslashes stay.
bool Lexer::double_quoted(Token& t, Word& w) {
  size_t open = pos_++;
  w.any_quote = true;
  w.pieces.push_back(Piece{false, true, ""});
  for (;;) {
    if (pos_ >= s_.size()) {
      error(t, open, "unterminated double quote: GRUB reads the rest of the file into it", true);
      return false;
    }
    char c = s_[pos_];
    if (c == '"') {
      ++pos_;
      return true;
    }
    if (c == '\\' && pos_ + 1 < s_.size()) {
      char n = s_[pos_ + 1];
      if (n == '$' || n == '\\' || n == '"') {
        literal(w, n, true);
        pos_ += 2;
        continue;
      }
      if (n == '\n') {
        pos_ += 2;
        continue;
      }
    }
    if (c == '$') {
      // GRUB's lexer takes the whole "..." as one word before it finds
      // the bad variable: the error ends the word, not the line.
      if (!variable(w, true)) {
        if (bad_at_ == std::string::npos) bad_at_ = pos_;
        ++pos_;
      }
      continue;
    }
    literal(w, c, true);
    ++pos_;
  }
}

Token Lexer::word(Token& t) {
  Word w;
  bad_at_ = std::string::npos;
  while (pos_ < s_.size()) {
    char c = s_[pos_];
    if (is_blank(c) || c == '\n' || c == '{' || c == '}' || c == '|' || c == '&' || c == ';' ||
        c == '<' || c == '>')
      break;
    if (c == '\\') {
      if (pos_ + 1 >= s_.size())
        return error(t, pos_, "a backslash at the end of the file escapes nothing", true);
      if (s_[pos_ + 1] != '\n') literal(w, s_[pos_ + 1], false);
      pos_ += 2;
    } else if (c == '\'') {
      size_t close = s_.find('\'', pos_ + 1);
      if (close == std::string::npos)
        return error(t, pos_, "unterminated single quote: GRUB reads the rest of the file into it",
                     true);
      w.any_quote = true;
      w.pieces.push_back(Piece{false, true, s_.substr(pos_ + 1, close - pos_ - 1)});
      pos_ = close + 1;
    } else if (c == '"') {
      if (!double_quoted(t, w)) return t;
    } else if (c == '$' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '"') {
      ++pos_;  // $"...": a string GRUB translates; the text is the same
      if (!double_quoted(t, w)) return t;
    } else if (c == '$') {
      if (!variable(w, false)) return error(t, pos_, kBadVariable, false);
    } else {
      literal(w, c, false);
      ++pos_;
    }
  }
  if (bad_at_ != std::string::npos) return error(t, bad_at_, kBadVariable, false);
  t.kind = Tok::word;
  t.end = pos_;
  w.begin = t.begin;
  w.end = t.end;
  w.raw = s_.substr(t.begin, t.end - t.begin);
  t.word = std::move(w);
  return t;
}

}  // namespace mdguard::grub
