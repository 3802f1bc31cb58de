// SPDX-License-Identifier: GPL-2.0-or-later
// grub.cfg's words and tokens, as GRUB's lexer makes them
// (grub-core/script/yylex.l). Internal to src/grub/; parser.h builds the
// statements from these tokens.
//
// grub.cfg is a script, and its words are read exactly: '...' and "..."
// quotes and backslashes, $var and ${var}, `#` comments, `;` and newlines.
// Two things GRUB's file reader does before its lexer are done too
// (clean_text): every '\r' is dropped, and a physical line starting with '#'
// is skipped even inside a quoted string.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mdguard::grub {

// A file's text as GRUB's reader hands it to the lexer: every '\r' dropped,
// a line cut at a NUL byte (GRUB keeps lines as C strings), and physical
// lines starting with '#' skipped (read_config_file_getline).
// origin[i] is the offset in the original text of text[i]; one more element
// holds the end.
struct CleanText {
  std::string text;
  std::vector<size_t> origin;
};
CleanText clean_text(std::string_view raw);

// One part of a word: literal text, or a variable reference.
struct Piece {
  bool var = false;
  bool quoted = false;  // inside '...' or "...": never split into several arguments
  std::string s;        // the text, or the variable's name
};

struct Word {
  std::vector<Piece> pieces;
  std::string raw;  // as written
  size_t begin = 0, end = 0;
  bool any_quote = false;  // a quoted part: the word makes an argument even when empty

  // Quotes removed, variables as ${name}.
  std::string unexpanded() const {
    std::string out;
    for (const Piece& p : pieces) out += p.var ? "${" + p.s + "}" : p.s;
    return out;
  }
};

enum class Tok { word, newline, semi, lbrace, rbrace, bad, error, eof };

struct Token {
  Tok kind = Tok::eof;
  size_t begin = 0, end = 0;
  Word word;            // Tok::word
  std::string message;  // Tok::bad, Tok::error
};

class Lexer {
 public:
  explicit Lexer(const std::string& text) : s_(text) {}

  void reset(size_t pos) { pos_ = pos; }
  // Just after the new line that ends the line holding `pos`.
  size_t line_end(size_t pos) const {
    size_t nl = s_.find('\n', pos);
    return nl == std::string::npos ? s_.size() : nl + 1;
  }

  // The next token; Tok::eof at the end, again and again.
  Token next();

 private:
  Token single(Token& t, Tok kind);
  Token bad(Token& t, const std::string& op);
  Token error(Token& t, size_t at, std::string message, bool swallow_rest);
  static void literal(Word& w, char c, bool quoted_part);
  bool variable(Word& w, bool quoted_part);
  bool double_quoted(Token& t, Word& w);
  Token word(Token& t);

  const std::string& s_;
  size_t pos_ = 0;
  size_t bad_at_ = std::string::npos;  // a bad variable inside "..." of the current word
};

}  // namespace mdguard::grub
