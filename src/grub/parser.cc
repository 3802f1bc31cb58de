// SPDX-License-Identifier: GPL-2.0-or-later
// The parser of parser.h: GRUB's grammar (grub-core/script/parser.y) read by
// recursive descent, with GRUB's recovery from syntax errors.
#include "grub/parser.h"

#include <algorithm>
#include <iterator>
#include <string_view>
#include <utility>

#include "grub/syntax.h"

namespace mdguard::grub {

namespace {

constexpr int kMaxNesting = 64;

bool is_keyword(std::string_view raw) {
  static constexpr std::string_view kReserved[] = {"if",    "then", "else", "elif",   "fi",
                                                   "for",   "in",   "do",   "done",   "while",
                                                   "until", "case", "esac", "select", "function"};
  return std::find(std::begin(kReserved), std::end(kReserved), raw) != std::end(kReserved);
}

// What a list of commands ends with, and what opened it (for messages).
struct ListEnd {
  std::vector<std::string_view> keywords;  // then, fi, done...
  bool brace = false;                      // '}'
  bool brace_needs_delimiter = false;      // function bodies: `echo }` is not the end
  std::string opener;                      // "the 'menuentry' block", "the 'if'"
  size_t opened_at = 0;
};

class Parser {
 public:
  explicit Parser(const std::string& text) : lexer_(text) {}

  // Top-level statements; a statement with a syntax error is dropped and
  // reported in `errors`.
  std::vector<Node> parse(std::vector<SyntaxError>& errors) {
    std::vector<Node> out;
    advance();
    for (;;) {
      while (tok_.kind == Tok::newline) advance();
      if (tok_.kind == Tok::eof) break;
      try {
        depth_ = 0;
        Node n = statement();
        if (tok_.kind == Tok::semi || tok_.kind == Tok::newline)
          advance();
        else if (tok_.kind != Tok::eof)
          fail("unexpected " + describe(tok_) + " after the command");
        out.push_back(std::move(n));
      } catch (const SyntaxError& e) {
        errors.push_back(e);
        resync();
      }
    }
    return out;
  }

 private:
  [[noreturn]] void fail(std::string message) {
    if (tok_.kind == Tok::error || tok_.kind == Tok::bad)
      throw SyntaxError{tok_.begin, tok_.message};
    throw SyntaxError{tok_.begin, std::move(message)};
  }

  void advance() { tok_ = lexer_.next(); }

  bool at_word(std::string_view raw) const {
    return tok_.kind == Tok::word && tok_.word.raw == raw;
  }

  static std::string describe(const Token& t) {
    switch (t.kind) {
      case Tok::word: return quoted(t.word.raw);
      case Tok::newline: return "end of line";
      case Tok::semi: return "';'";
      case Tok::lbrace: return "'{'";
      case Tok::rbrace: return "'}'";
      case Tok::eof: return "end of file";
      default: return t.message;
    }
  }

  void enter() {
    if (++depth_ > kMaxNesting)
      fail("nested more than " + std::to_string(kMaxNesting) + " levels deep");
  }

  // After a syntax error GRUB drops what it has read of the statement, up
  // to the end of the line where it found the error, and goes on with the
  // next line (an unclosed block has read to the end of the file).
  void resync() {
    size_t from = tok_.kind == Tok::newline ? tok_.begin : tok_.end;
    lexer_.reset(lexer_.line_end(from));
    advance();
  }

  Node statement() {
    if (at_word("function")) return function();
    return command();
  }

  Node command() {
    if (tok_.kind == Tok::word) {
      const std::string& w = tok_.word.raw;
      if (w == "if") return if_command();
      if (w == "for") return for_command();
      if (w == "while" || w == "until") return while_command();
      if (w == "function")
        fail("a function can only be defined at the top level, not inside a block");
      if (is_keyword(w)) fail("unexpected " + quoted(w));
      if (w == "[[" || w == "]]") fail(quoted(w) + " is not part of GRUB's script language");
      return grub_command();
    }
    if (tok_.kind == Tok::lbrace)
      fail(
          "unexpected '{': a { ... } block must start on the line of its menuentry, submenu or "
          "function");
    fail("unexpected " + describe(tok_));
  }

  Node grub_command() {
    Node n;
    n.kind = Node::Kind::command;
    n.begin = tok_.begin;
    while (tok_.kind == Tok::word) {
      if (tok_.word.raw == "[[" || tok_.word.raw == "]]")
        fail(quoted(tok_.word.raw) + " is not part of GRUB's script language");
      n.words.push_back(std::move(tok_.word));
      n.end = tok_.end;
      advance();
    }
    if (tok_.kind == Tok::lbrace) {
      size_t open = tok_.begin;
      enter();
      advance();
      std::string what = n.words[0].raw;
      n.body = list(ListEnd{{}, true, false, "the '{' of " + quoted(what), open});
      n.has_block = true;
      n.end = tok_.end;
      advance();  // '}'
      --depth_;
    }
    return n;
  }

  // Reported where the construct opens: GRUB reads on to the end of the
  // file looking for its end, and then drops all of it.
  [[noreturn]] void unclosed(const ListEnd& end) {
    throw SyntaxError{end.opened_at,
                      end.opener +
                          " is never closed: GRUB reads to the end of the "
                          "file looking for its end and ignores everything from here"};
  }

  bool at_end(const ListEnd& end, bool after_delimiter) const {
    if (end.brace && tok_.kind == Tok::rbrace) return after_delimiter || !end.brace_needs_delimiter;
    if (tok_.kind != Tok::word) return false;
    return after_delimiter &&
           std::find(end.keywords.begin(), end.keywords.end(), tok_.word.raw) != end.keywords.end();
  }

  // commands1, then the delimiters GRUB allows before what ends the list;
  // leaves tok_ on the end.
  std::vector<Node> list(const ListEnd& end) {
    std::vector<Node> out;
    while (tok_.kind == Tok::newline) advance();
    if (tok_.kind == Tok::eof) unclosed(end);
    if (at_end(end, true))
      fail("nothing before " + describe(tok_) + ": GRUB needs at least one command in " +
           end.opener);
    out.push_back(command());
    for (;;) {
      if (tok_.kind == Tok::semi || tok_.kind == Tok::newline) {
        advance();
        while (tok_.kind == Tok::newline) advance();
        if (at_end(end, true)) return out;
        if (tok_.kind == Tok::eof) unclosed(end);
        out.push_back(command());
      } else if (at_end(end, false)) {
        return out;
      } else if (end.brace && tok_.kind == Tok::rbrace) {
        fail("'}' right after a command in " + end.opener +
             ": GRUB needs ';' or a new line before it");
      } else if (tok_.kind == Tok::eof) {
        unclosed(end);
      } else {
        fail("unexpected " + describe(tok_));
      }
    }
  }

  void expect_word(std::string_view raw) {
    if (!at_word(raw)) fail("expected " + quoted(raw) + ", found " + describe(tok_));
    advance();
  }

  Node if_command() {
    Node n;
    n.kind = Node::Kind::if_;
    n.begin = tok_.begin;
    size_t opened = tok_.begin;
    enter();
    advance();
    for (;;) {
      n.conds.push_back(list(ListEnd{{"then"}, false, false, "the 'if'", opened}));
      expect_word("then");
      n.bodies.push_back(list(ListEnd{{"elif", "else", "fi"}, false, false, "the 'if'", opened}));
      if (at_word("elif")) {
        advance();
        continue;
      }
      if (at_word("else")) {
        advance();
        n.else_body = list(ListEnd{{"fi"}, false, false, "the 'if'", opened});
        n.has_else = true;
      }
      break;
    }
    n.end = tok_.end;
    expect_word("fi");
    --depth_;
    return n;
  }

  Node for_command() {
    Node n;
    n.kind = Node::Kind::for_;
    n.begin = tok_.begin;
    size_t opened = tok_.begin;
    enter();
    advance();
    if (tok_.kind != Tok::word || !is_name(tok_.word.raw))
      fail("expected a variable name after 'for', found " + describe(tok_));
    n.name = tok_.word.raw;
    advance();
    expect_word("in");
    while (tok_.kind == Tok::word) {
      n.words.push_back(std::move(tok_.word));
      advance();
    }
    if (tok_.kind != Tok::semi && tok_.kind != Tok::newline)
      fail("expected ';' or a new line before 'do', found " + describe(tok_));
    advance();
    while (tok_.kind == Tok::newline) advance();
    expect_word("do");
    n.body = list(ListEnd{{"done"}, false, false, "the 'for'", opened});
    n.end = tok_.end;
    expect_word("done");
    --depth_;
    return n;
  }

  Node while_command() {
    Node n;
    n.kind = tok_.word.raw == "while" ? Node::Kind::while_ : Node::Kind::until_;
    n.begin = tok_.begin;
    size_t opened = tok_.begin;
    std::string what = "the '" + tok_.word.raw + "'";
    enter();
    advance();
    n.cond = list(ListEnd{{"do"}, false, false, what, opened});
    expect_word("do");
    n.body = list(ListEnd{{"done"}, false, false, what, opened});
    n.end = tok_.end;
    expect_word("done");
    --depth_;
    return n;
  }

  Node function() {
    Node n;
    n.kind = Node::Kind::function;
    n.begin = tok_.begin;
    advance();
    if (tok_.kind != Tok::word || !is_name(tok_.word.raw))
      fail("expected a function name after 'function', found " + describe(tok_));
    n.name = tok_.word.raw;
    advance();
    if (tok_.kind == Tok::semi || tok_.kind == Tok::newline) {
      advance();
      while (tok_.kind == Tok::newline) advance();
    }
    if (tok_.kind != Tok::lbrace) fail("expected '{' after 'function " + n.name + "'");
    size_t open = tok_.begin;
    enter();
    advance();
    n.body = list(ListEnd{{}, true, true, "the '{' of function " + quoted(n.name), open});
    n.end = tok_.end;
    advance();  // '}'
    --depth_;
    return n;
  }

  Lexer lexer_;
  Token tok_;
  int depth_ = 0;
};

}  // namespace

std::vector<Node> parse_script(const std::string& text, std::vector<SyntaxError>& errors) {
  Parser parser(text);
  return parser.parse(errors);
}

}  // namespace mdguard::grub
