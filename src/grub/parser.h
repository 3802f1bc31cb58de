// SPDX-License-Identifier: GPL-2.0-or-later
// grub.cfg's statements, as GRUB's parser builds them from lexer.h's tokens
// (grub-core/script/parser.y): commands, if/then/elif/else/fi, for, while,
// until, `function NAME { ... }`, and commands followed by a `{ ... }` block
// (menuentry, submenu). Internal to src/grub/; interpreter.h runs the tree.
//
// A syntax error drops what GRUB has read of the statement, up to the end of
// the line holding the error, and reading goes on with the next line, as in
// GRUB: an unclosed `{` or `if` swallows the rest of the file. Nesting deeper
// than 64 levels is an error here instead of a deep recursion.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "grub/lexer.h"

namespace mdguard::grub {

struct Node {
  enum class Kind { command, if_, for_, while_, until_, function };
  Kind kind = Kind::command;
  size_t begin = 0, end = 0;  // clean offsets
  std::vector<Word> words;    // command: its words; for: the list
  std::string name;           // for: the variable; function: its name
  bool has_block = false;     // command followed by { ... }
  std::vector<Node> body;     // block, loop or function body
  std::vector<Node> cond;     // while/until condition
  // if: conds[i] then bodies[i]; else_body when has_else
  std::vector<std::vector<Node>> conds, bodies;
  std::vector<Node> else_body;
  bool has_else = false;
};

struct SyntaxError {
  size_t at;
  std::string message;
};

// The top-level statements of `text` (CleanText::text), in order; a
// statement with a syntax error is dropped and reported in `errors`.
std::vector<Node> parse_script(const std::string& text, std::vector<SyntaxError>& errors);

}  // namespace mdguard::grub
