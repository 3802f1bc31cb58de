#include "grub/config.h"

#include <algorithm>
#include <deque>
#include <set>
#include <utility>

#include "config/mdadm_conf.h"

namespace mdguard {

namespace {

using Severity = Diagnostic::Severity;

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_alnum(char c) {
  return is_alpha(c) || is_digit(c);
}
bool is_name_start(char c) {
  return is_alpha(c) || c == '_';
}
bool is_name_char(char c) {
  return is_alnum(c) || c == '_';
}

bool is_name(std::string_view s) {
  return !s.empty() && is_name_start(s[0]) && std::all_of(s.begin(), s.end(), is_name_char);
}

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

void add_unique(std::vector<std::string>& to, const std::vector<std::string>& names) {
  for (const std::string& n : names)
    if (std::find(to.begin(), to.end(), n) == to.end()) to.push_back(n);
}

Diagnostic make_diag(Severity severity, std::string file, std::string code, std::string message) {
  Diagnostic d;
  d.severity = severity;
  d.file = std::move(file);
  d.code = std::move(code);
  d.message = std::move(message);
  return d;
}

// Physical lines without "\n" or "\r\n", with their 1-based numbers.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return lines;
}

Diagnostic line_diag(Severity severity, std::string_view file, int line, std::string_view source,
                     std::string code, std::string message, int column = 0) {
  Diagnostic d = make_diag(severity, std::string(file), std::move(code), std::move(message));
  d.line = line;
  d.column = column;
  d.source_line = std::string(source);
  return d;
}

}  // namespace

// ---- Kernel command lines ----

std::optional<std::string> kernel_param(const std::vector<std::string>& args,
                                        std::string_view name) {
  std::optional<std::string> value;
  for (const std::string& a : args) {
    if (a == "--") break;
    if (a.size() > name.size() && a.compare(0, name.size(), name) == 0 && a[name.size()] == '=')
      value = a.substr(name.size() + 1);
  }
  return value;
}

std::optional<std::string> kernel_root(const std::vector<std::string>& args) {
  return kernel_param(args, "root");
}

std::vector<std::string> kernel_args_without_root(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  bool init_args = false;
  for (const std::string& a : args) {
    if (a == "--") init_args = true;
    if (!init_args && a.rfind("root=", 0) == 0) continue;
    out.push_back(a);
  }
  return out;
}

std::optional<std::array<uint8_t, 16>> grub_device_md_uuid(std::string_view device) {
  if (!device.empty() && device[0] == '(') device.remove_prefix(1);
  if (device.rfind("mduuid/", 0) != 0) return std::nullopt;
  device.remove_prefix(7);
  size_t end = 0;
  while (end < device.size() && std::isxdigit(static_cast<unsigned char>(device[end]))) ++end;
  if (end != 32) return std::nullopt;
  if (end < device.size() && device[end] != ')' && device[end] != ',' && device[end] != '/' &&
      device[end] != '\'')
    return std::nullopt;
  return parse_md_uuid(device.substr(0, end));
}

// ---- The script's words and tokens (grub-core/script/yylex.l) ----

namespace {

// A file's text as GRUB's reader hands it to the lexer: every '\r' dropped,
// a line cut at a NUL byte (GRUB keeps lines as C strings), and physical
// lines starting with '#' skipped (read_config_file_getline).
// origin[i] is the offset in the original text of text[i]; one more element
// holds the end.
struct CleanText {
  std::string text;
  std::vector<size_t> origin;
};

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

  Token next() {
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

 private:
  Token single(Token& t, Tok kind) {
    t.kind = kind;
    t.end = ++pos_;
    return t;
  }

  Token bad(Token& t, const std::string& op) {
    t.kind = Tok::bad;
    pos_ += op.size();
    t.end = pos_;
    t.message = quoted(op) + " is not part of GRUB's script language";
    return t;
  }

  Token error(Token& t, size_t at, std::string message, bool swallow_rest) {
    t.kind = Tok::error;
    t.begin = at;
    t.message = std::move(message);
    pos_ = swallow_rest ? s_.size() : std::max(pos_, at + 1);
    t.end = pos_;
    return t;
  }

  static void literal(Word& w, char c, bool quoted_part) {
    if (w.pieces.empty() || w.pieces.back().var || w.pieces.back().quoted != quoted_part)
      w.pieces.push_back(Piece{false, quoted_part, ""});
    w.pieces.back().s += c;
  }

  // $name ${name} $1 ${1} $? ${?} (also # * @); pos_ at '$'. False when
  // nothing valid follows, which GRUB's lexer rejects.
  bool variable(Word& w, bool quoted_part) {
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

  static constexpr const char* kBadVariable =
      "'$' must be followed by a variable name: $name, ${name}, $1, $? ...";

  // "...": \$ \\ \" and backslash-newline are escapes, other backslashes stay.
  bool double_quoted(Token& t, Word& w) {
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

  Token word(Token& t) {
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
          return error(t, pos_,
                       "unterminated single quote: GRUB reads the rest of the file into it", true);
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

  const std::string& s_;
  size_t pos_ = 0;
  size_t bad_at_ = std::string::npos;  // a bad variable inside "..." of the current word
};

// ---- The syntax tree (grub-core/script/parser.y) ----

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

constexpr int kMaxNesting = 64;

struct SyntaxError {
  size_t at;
  std::string message;
};

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

// ---- Running the script symbolically ----

namespace {

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

// One argument after expansion.
struct Arg {
  std::string text;
  std::vector<std::string> unknown;
};

enum class Truth { no, yes, unknown };

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

// Commands GRUB 2.06 knows that change nothing mdguard looks at.
bool known_command(std::string_view name) {
  static constexpr std::string_view kCommands[] = {".",
                                                   "[",
                                                   "acpi",
                                                   "authenticate",
                                                   "background_color",
                                                   "background_image",
                                                   "badram",
                                                   "blocklist",
                                                   "boot",
                                                   "break",
                                                   "cat",
                                                   "chainloader",
                                                   "clear",
                                                   "cmp",
                                                   "continue",
                                                   "cpuid",
                                                   "crc",
                                                   "cryptomount",
                                                   "cutmem",
                                                   "date",
                                                   "devicetree",
                                                   "distrust",
                                                   "drivemap",
                                                   "echo",
                                                   "efi_gop",
                                                   "efi_uga",
                                                   "eval",
                                                   "exit",
                                                   "extract_entries_configfile",
                                                   "extract_entries_source",
                                                   "extract_legacy_entries_configfile",
                                                   "extract_legacy_entries_source",
                                                   "false",
                                                   "fwsetup",
                                                   "gettext",
                                                   "gptsync",
                                                   "halt",
                                                   "hashsum",
                                                   "hdparm",
                                                   "help",
                                                   "hexdump",
                                                   "hwmatch",
                                                   "keymap",
                                                   "kfreebsd",
                                                   "kfreebsd_loadenv",
                                                   "kfreebsd_module",
                                                   "kfreebsd_module_elf",
                                                   "knetbsd",
                                                   "knetbsd_module",
                                                   "knetbsd_module_elf",
                                                   "kopenbsd",
                                                   "kopenbsd_ramdisk",
                                                   "legacy_check_password",
                                                   "legacy_configfile",
                                                   "legacy_initrd",
                                                   "legacy_initrd_nounzip",
                                                   "legacy_kernel",
                                                   "legacy_password",
                                                   "legacy_source",
                                                   "list_env",
                                                   "list_trusted",
                                                   "loadfont",
                                                   "loopback",
                                                   "ls",
                                                   "lsacpi",
                                                   "lsefi",
                                                   "lsefimmap",
                                                   "lsefisystab",
                                                   "lsfonts",
                                                   "lsmmap",
                                                   "lsmod",
                                                   "lspci",
                                                   "lssal",
                                                   "md5sum",
                                                   "module",
                                                   "module2",
                                                   "multiboot",
                                                   "multiboot2",
                                                   "nativedisk",
                                                   "net_add_addr",
                                                   "net_add_dns",
                                                   "net_add_route",
                                                   "net_bootp",
                                                   "net_del_addr",
                                                   "net_del_dns",
                                                   "net_del_route",
                                                   "net_dhcp",
                                                   "net_get_dhcp_option",
                                                   "net_ipv6_autoconf",
                                                   "net_ls_addr",
                                                   "net_ls_cards",
                                                   "net_ls_dns",
                                                   "net_ls_routes",
                                                   "net_nslookup",
                                                   "normal_exit",
                                                   "parttool",
                                                   "password",
                                                   "password_pbkdf2",
                                                   "play",
                                                   "probe",
                                                   "rdmsr",
                                                   "read",
                                                   "reboot",
                                                   "regexp",
                                                   "return",
                                                   "rmmod",
                                                   "save_env",
                                                   "sendkey",
                                                   "serial",
                                                   "setparams",
                                                   "setpci",
                                                   "sha1sum",
                                                   "sha256sum",
                                                   "sha512sum",
                                                   "shift",
                                                   "sleep",
                                                   "smbios",
                                                   "terminal_input",
                                                   "terminal_output",
                                                   "terminfo",
                                                   "test",
                                                   "tpm",
                                                   "true",
                                                   "trust",
                                                   "usb",
                                                   "vbeinfo",
                                                   "verify_detached",
                                                   "videoinfo",
                                                   "videotest",
                                                   "wrmsr",
                                                   "xen_hypervisor",
                                                   "xen_module",
                                                   "xnu_kernel",
                                                   "xnu_kernel64",
                                                   "xnu_mkext",
                                                   "xnu_uuid",
                                                   "zfs-bootfs",
                                                   "zfsinfo",
                                                   "appleloader",
                                                   "backtrace",
                                                   "syslinux_configfile",
                                                   "syslinux_source",
                                                   "cbmemc",
                                                   "lscoreboot",
                                                   "file",
                                                   "font",
                                                   "gfxterm_background_color",
                                                   "gfxterm_background_image",
                                                   "outb",
                                                   "outl",
                                                   "outw",
                                                   "inb",
                                                   "inl",
                                                   "inw",
                                                   "loadbios",
                                                   "fakebios",
                                                   "efiemu_loadcore",
                                                   "efiemu_prepare",
                                                   "efiemu_unload",
                                                   "ieee1275_fb",
                                                   "vbe",
                                                   "vga",
                                                   "video_bochs",
                                                   "video_cirrus",
                                                   "all_video",
                                                   "increment",
                                                   "decrement"};
  return std::find(std::begin(kCommands), std::end(kCommands), name) != std::end(kCommands);
}

bool linux_command(std::string_view n) {
  return n == "linux" || n == "linux16" || n == "linuxefi";
}
bool initrd_command(std::string_view n) {
  return n == "initrd" || n == "initrd16" || n == "initrdefi";
}

// '>' doubled, as GRUB writes titles into "chosen" and reads them from "default".
std::string escape_title(std::string_view t) {
  std::string out;
  for (char c : t) {
    if (c == '>') out += '>';
    out += c;
  }
  return out;
}

std::string module_name(std::string s) {
  size_t slash = s.find_last_of('/');
  if (slash != std::string::npos) s.erase(0, slash + 1);
  if (s.size() > 4 && s.compare(s.size() - 4, 4, ".mod") == 0) s.resize(s.size() - 4);
  return s;
}

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

std::string condition_text(const SourceFile& f, const std::vector<Node>& cond) {
  if (cond.empty()) return "";
  return f.written(cond.front().begin, cond.back().end);
}

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

constexpr int kMaxCalls = 16;
// Bounds on what a hostile or broken configuration can make mdguard do.
constexpr size_t kMaxFiles = 64;       // files read through source/configfile
constexpr long kMaxSteps = 50000;      // commands run
constexpr int kMaxDepth = 200;         // nested blocks, branches, calls and files
constexpr size_t kMaxValue = 1 << 16;  // bytes in one variable

class Interpreter {
 public:
  Interpreter(GrubConfig& cfg, const GrubCfgOptions& options) : cfg_(cfg), opt_(options) {}

  void run(std::string_view filename, std::string_view text) {
    Env env;
    for (const char* f :
         {"feature_200_final", "feature_all_video_module", "feature_chainloader_bpb",
          "feature_default_font_path", "feature_menuentry_id", "feature_menuentry_options",
          "feature_nativedisk_cmd", "feature_ntldr", "feature_platform_search_hint",
          "feature_timeout_style"})
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
    for (const auto& [name, var] : final_env)
      cfg_.globals[name] = GrubValue{var.value, var.unknown};
  }

 private:
  // ---- Files ----

  const SourceFile* load(std::string name, std::string text) {
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
    Parser parser(f.clean.text);
    f.nodes = parser.parse(errors);
    for (const SyntaxError& e : errors) {
      Diagnostic d = make_diag(Severity::error, f.name, "grub-syntax", e.message);
      f.locate(d, e.at);
      cfg_.diagnostics.push_back(std::move(d));
    }
    return &f;
  }

  GrubLocation where(const Frame& f, size_t offset) const {
    return GrubLocation{f.file->name, f.file->line(offset)};
  }

  void report(const Frame& f, size_t offset, Severity severity, std::string code,
              std::string message) {
    Diagnostic d = make_diag(severity, f.file->name, std::move(code), std::move(message));
    f.file->locate(d, offset);
    cfg_.diagnostics.push_back(std::move(d));
  }

  // ---- Expansion (grub_script_arglist_to_argv) ----

  Var var_value(const Frame& f, const std::string& name) const {
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
  std::vector<Arg> expand(const Frame& f, const std::vector<Word>& words, size_t from = 0) const {
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

  void run_nodes(const std::vector<Node>& nodes, Frame& f) {
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
          if (std::find(cfg_.functions.begin(), cfg_.functions.end(), n.name) ==
              cfg_.functions.end())
            cfg_.functions.push_back(n.name);
          break;
      }
    }
    --depth_;
  }

  // Stops the whole evaluation, once, saying why.
  void limit(const Frame& f, size_t offset, const std::string& what,
             const char* code = "grub-limit") {
    if (!stopped_)
      report(f, offset, Severity::warning, code, "mdguard stops reading here: " + what);
    stopped_ = true;
  }

  // The exit status of a condition: that of its last command.
  Truth condition(const std::vector<Node>& cond, const Frame& f) const {
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
    return TestExpr(std::move(args), !opt_.grubenv.empty()).eval();
  }

  // Runs `body` on a copy of the variables, under one more condition.
  Env run_branch(const std::vector<Node>& body, const Frame& f, std::string cond) {
    Env env = *f.env;
    Frame g = f;
    g.env = &env;
    g.conds.push_back(std::move(cond));
    run_nodes(body, g);
    return env;
  }

  void run_if(const Node& n, Frame& f) {
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
  void run_loop(const Node& n, Frame& f) {
    std::string label;
    if (n.kind == Node::Kind::for_) {
      label = "for " + n.name + " in";
      for (const Word& w : n.words) label += " " + w.raw;
    } else {
      label =
          (n.kind == Node::Kind::while_ ? "while " : "until ") + condition_text(*f.file, n.cond);
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

  void set_var(Frame& f, const std::string& name, Var v) {
    if (v.value.size() > kMaxValue) v = Var{"${" + name + "}", {name}, false};
    if (auto it = f.env->find(name); it != f.env->end()) v.exported = it->second.exported;
    (*f.env)[name] = std::move(v);
  }

  // `set NAME=VALUE` or `NAME=VALUE`: `arg` is the expanded word, `word` as written.
  void assign(const Node& n, Frame& f, const Arg& arg, const Word& word) {
    size_t eq = arg.text.find('=');
    std::string name = arg.text.substr(0, eq);
    Var v{arg.text.substr(eq + 1), arg.unknown, false};
    set_var(f, name, v);
    if (name == "root")
      add_root(f, GrubRootStep{
                      GrubRootStep::Kind::set, v.value, "", {}, where(f, n.begin), f.conds, false});
    if (name == "default" && f.global) {
      std::string written = word.unexpanded();
      size_t weq = written.find('=');
      cfg_.default_settings.push_back(
          GrubDefaultSetting{weq == std::string::npos ? written : written.substr(weq + 1),
                             GrubValue{v.value, v.unknown}, where(f, n.begin), f.conds});
    }
  }

  std::vector<GrubRootStep>& roots(const Frame& f) {
    return f.entry >= 0 ? cfg_.entries[static_cast<size_t>(f.entry)].root : *f.roots;
  }

  void add_root(const Frame& f, GrubRootStep step) { roots(f).push_back(std::move(step)); }

  void run_command(const Node& n, Frame& f) {
    std::vector<Arg> args = expand(f, n.words);
    if (args.empty()) return;
    const std::string& name = args[0].text;
    if (!args[0].unknown.empty()) {
      size_t eq = name.find('=');
      if (eq != std::string::npos && is_name(name.substr(0, eq)))
        return assign(n, f, args[0], n.words[0]);
      report(f, n.begin, Severity::warning, "grub-unknown-command",
             "the command name depends on " + args[0].unknown[0] + ", which mdguard does not know");
      return;
    }
    if (n.has_block && name != "menuentry" && name != "submenu") {
      report(f, n.begin, Severity::warning, "grub-unknown-command",
             "only menuentry and submenu take a { ... } block; GRUB passes it to " + quoted(name) +
                 " as an argument");
      return;
    }
    if (name == "menuentry" || name == "submenu") return menuentry(n, f, args, name == "submenu");
    if (name == "set") {
      if (args.size() >= 2 && args[1].text.find('=') != std::string::npos) {
        const Word* w = nullptr;
        for (const Word& word : n.words)
          if (&word != &n.words[0] && word.unexpanded().find('=') != std::string::npos) {
            w = &word;
            break;
          }
        assign(n, f, args[1], w ? *w : n.words.back());
      }
      return;
    }
    if (name == "unset") {
      for (size_t i = 1; i < args.size(); ++i) f.env->erase(args[i].text);
      return;
    }
    if (name == "export") {
      for (size_t i = 1; i < args.size(); ++i) {
        Var v = lookup(*f.env, args[i].text);
        v.exported = true;
        (*f.env)[args[i].text] = v;
      }
      return;
    }
    if (name == "insmod") {
      GrubModule m{args.size() > 1 ? module_name(args[1].text) : "", where(f, n.begin), f.conds};
      if (f.entry >= 0)
        cfg_.entries[static_cast<size_t>(f.entry)].modules.push_back(std::move(m));
      else
        cfg_.modules.push_back(std::move(m));
      return;
    }
    if (name == "search" || name == "search.fs_uuid" || name == "search.fs_label" ||
        name == "search.file")
      return search(n, f, args);
    if (linux_command(name)) return kernel(n, f, args);
    if (initrd_command(name)) return initrd(n, f, args);
    if (name == "load_env") return load_env(f, args);
    if (name == "source" || name == ".") return include(n, f, args, GrubInclude::Kind::source);
    if (name == "configfile" || name == "normal")
      return include(n, f, args, GrubInclude::Kind::configfile);
    if (name == "blscfg" || name == "bls_import") return blscfg(n, f);
    if (auto it = functions_.find(name); it != functions_.end())
      return call(n, f, args, it->second);
    if (name == "savedefault" && f.entry >= 0)
      cfg_.entries[static_cast<size_t>(f.entry)].savedefault = true;
    if (known_command(name)) return;
    if (name.find('=') != std::string::npos) return assign(n, f, args[0], n.words[0]);
    report(f, n.begin, Severity::warning, "grub-unknown-command",
           "unknown command " + quoted(name) +
               ": mdguard ignores it (GRUB fails on it unless a "
               "module defines it)");
  }

  struct Function {
    const Node* node;
    const SourceFile* file;
  };

  void call(const Node& n, Frame& f, const std::vector<Arg>& args, const Function& fn) {
    if (fn.node->name == "savedefault" && f.entry >= 0)
      cfg_.entries[static_cast<size_t>(f.entry)].savedefault = true;
    if (f.calls >= kMaxCalls)
      return limit(
          f, n.begin,
          "functions call each other more than " + std::to_string(kMaxCalls) + " levels deep",
          "grub-recursion");
    std::vector<Arg> positional(args.begin() + 1, args.end());
    Frame g = f;
    g.file = fn.file;
    g.positional = &positional;
    g.calls = f.calls + 1;
    run_nodes(fn.node->body, g);
  }

  void load_env(Frame& f, const std::vector<Arg>& args) {
    std::vector<std::string> only;
    for (size_t i = 1; i < args.size(); ++i) {
      const std::string& a = args[i].text;
      if (a == "-f" || a == "--file") {
        ++i;
        continue;
      }
      if (a.rfind("-", 0) == 0) continue;
      only.push_back(a);
    }
    for (const auto& [name, value] : opt_.grubenv)
      if (only.empty() || std::find(only.begin(), only.end(), name) != only.end())
        set_var(f, name, Var{value, {}, false});
  }

  // ---- Menu entries ----

  struct EntryOptions {
    std::vector<std::string> positional, classes;
    std::optional<std::string> id;
  };

  // menuentry's options as grub_arg_parse() takes them.
  std::optional<EntryOptions> entry_options(const Node& n, Frame& f, const std::vector<Arg>& args,
                                            const std::string& cmd) {
    EntryOptions o;
    bool options_done = false;
    for (size_t i = 1; i < args.size(); ++i) {
      const std::string& a = args[i].text;
      if (options_done || a.size() < 2 || a[0] != '-') {
        o.positional.push_back(a);
        continue;
      }
      if (a == "--") {
        options_done = true;
        continue;
      }
      std::string opt = a.substr(a[1] == '-' ? 2 : 1), value;
      bool has_value = false;
      if (size_t eq = opt.find('='); a[1] == '-' && eq != std::string::npos) {
        value = opt.substr(eq + 1);
        opt.resize(eq);
        has_value = true;
      }
      bool takes_value =
          opt == "class" || opt == "users" || opt == "hotkey" || opt == "source" || opt == "id";
      if (a[1] != '-' || (!takes_value && opt != "unrestricted")) {
        report(f, n.begin, Severity::error, "grub-menuentry",
               "unknown option " + quoted(a) + " for " + cmd + ": GRUB rejects the whole entry");
        return std::nullopt;
      }
      if (takes_value && !has_value) {
        if (i + 1 >= args.size()) {
          report(f, n.begin, Severity::error, "grub-menuentry",
                 "option " + quoted(a) + " of " + cmd +
                     " needs a value: GRUB rejects the whole entry");
          return std::nullopt;
        }
        value = args[++i].text;
      }
      if (opt == "class") o.classes.push_back(value);
      if (opt == "id") o.id = value;
    }
    return o;
  }

  void menuentry(const Node& n, Frame& f, const std::vector<Arg>& args, bool is_submenu) {
    const std::string& cmd = args[0].text;
    if (f.entry >= 0) {
      report(f, n.begin, Severity::warning, "grub-menuentry",
             cmd +
                 " inside a menu entry's body: GRUB adds it only when that entry runs; mdguard "
                 "ignores it");
      return;
    }
    if (!n.has_block) {
      report(f, n.begin, Severity::error, "grub-menuentry",
             cmd + " without a { ... } body on the same line: GRUB rejects it");
      return;
    }
    std::optional<EntryOptions> o = entry_options(n, f, args, cmd);
    if (!o) return;
    if (o->positional.empty()) {
      report(f, n.begin, Severity::error, "grub-menuentry",
             cmd + " without a title: GRUB rejects it");
      return;
    }
    GrubEntry e;
    e.title = o->positional[0];
    e.id = o->id ? *o->id : e.title;
    e.classes = o->classes;
    e.submenu = is_submenu;
    e.where = where(f, n.begin);
    size_t index = add_item(f, std::move(e));
    if (is_submenu) {
      Env env;
      for (const auto& [name, var] : *f.env)
        if (var.exported) env[name] = var;
      std::vector<GrubRootStep> inherited = cfg_.entries[index].root;
      Frame g;
      g.env = &env;
      g.file = f.file;
      g.conds = f.conds;
      g.menu = static_cast<int>(index);
      g.global = false;
      g.roots = &inherited;
      run_nodes(n.body, g);
      return;
    }
    Env env = *f.env;
    Frame g = f;
    g.env = &env;
    g.entry = static_cast<int>(index);
    g.global = false;
    run_nodes(n.body, g);
  }

  size_t add_item(const Frame& f, GrubEntry e) {
    if (f.menu >= 0) {
      const GrubEntry& parent = cfg_.entries[static_cast<size_t>(f.menu)];
      e.parent = static_cast<size_t>(f.menu);
      e.path = parent.path + ">" + escape_title(e.title);
      e.id_path = parent.id_path + ">" + escape_title(e.id);
    } else {
      e.path = escape_title(e.title);
      e.id_path = escape_title(e.id);
    }
    e.menu_index = menu_size_[f.menu]++;
    e.conditions = f.conds;
    for (GrubRootStep step : roots(f)) {
      step.inherited = true;
      e.root.push_back(std::move(step));
    }
    cfg_.entries.push_back(std::move(e));
    return cfg_.entries.size() - 1;
  }

  void kernel(const Node& n, Frame& f, const std::vector<Arg>& args) {
    if (f.entry < 0) {
      report(f, n.begin, Severity::warning, "grub-outside-entry",
             args[0].text +
                 " outside a menu entry: GRUB loads it while reading the file; mdguard "
                 "ignores it");
      return;
    }
    if (args.size() < 2) {
      report(f, n.begin, Severity::error, "grub-linux",
             args[0].text + " without a kernel file: GRUB fails to boot this entry");
      return;
    }
    GrubKernel k;
    k.command = args[0].text;
    k.path = args[1].text;
    for (size_t i = 1; i < args.size(); ++i) {
      if (i >= 2 && !args[i].text.empty()) k.args.push_back(args[i].text);
      add_unique(k.unknown, args[i].unknown);
    }
    k.written = f.file->written(n.begin, n.end);
    k.where = where(f, n.begin);
    k.conditions = f.conds;
    cfg_.entries[static_cast<size_t>(f.entry)].kernel = std::move(k);
  }

  void initrd(const Node& n, Frame& f, const std::vector<Arg>& args) {
    if (f.entry < 0) {
      report(f, n.begin, Severity::warning, "grub-outside-entry",
             args[0].text + " outside a menu entry: mdguard ignores it");
      return;
    }
    if (args.size() < 2) {
      report(f, n.begin, Severity::error, "grub-initrd",
             args[0].text + " without a file: GRUB fails to boot this entry");
      return;
    }
    GrubInitrd r;
    r.command = args[0].text;
    for (size_t i = 1; i < args.size(); ++i) {
      r.paths.push_back(args[i].text);
      add_unique(r.unknown, args[i].unknown);
    }
    r.where = where(f, n.begin);
    r.conditions = f.conds;
    cfg_.entries[static_cast<size_t>(f.entry)].initrd = std::move(r);
  }

  // search [--fs-uuid|--label|--file] [--set[=VAR]] [--hint[=]H]... KEY, and
  // the search.fs_uuid KEY [VAR [HINT...]] family.
  void search(const Node& n, Frame& f, const std::vector<Arg>& args) {
    GrubRootStep step;
    step.kind = GrubRootStep::Kind::search;
    std::string var;
    const std::string& cmd = args[0].text;
    if (cmd == "search") {
      std::vector<std::string> keys;
      bool options_done = false;
      for (size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i].text;
        if (options_done || a.empty() || a[0] != '-') {
          keys.push_back(a);
        } else if (a == "--") {
          options_done = true;
        } else if (a == "--fs-uuid" || a == "-u") {
          step.search_by = "fs-uuid";
        } else if (a == "--label" || a == "-l") {
          step.search_by = "label";
        } else if (a == "--file" || a == "-f") {
          step.search_by = "file";
        } else if (a == "--set" || a == "-s") {
          var = "root";
        } else if (a.rfind("--set=", 0) == 0) {
          var = a.substr(6);
        } else if (a.rfind("--hint", 0) == 0) {
          size_t eq = a.find('=');
          if (eq != std::string::npos)
            step.hints.push_back(a.substr(eq + 1));
          else if (i + 1 < args.size())
            step.hints.push_back(args[++i].text);
        } else if (a == "-h" && i + 1 < args.size()) {
          step.hints.push_back(args[++i].text);
        }
      }
      if (!keys.empty()) step.value = keys[0];
    } else {
      step.search_by = cmd == "search.fs_uuid"    ? "fs-uuid"
                       : cmd == "search.fs_label" ? "label"
                                                  : "file";
      if (args.size() > 1) step.value = args[1].text;
      if (args.size() > 2) var = args[2].text;
      for (size_t i = 3; i < args.size(); ++i) step.hints.push_back(args[i].text);
    }
    if (var.empty()) return;
    set_var(f, var, Var{"${" + var + "}", {var}, false});
    if (var != "root") return;
    step.where = where(f, n.begin);
    step.conditions = f.conds;
    add_root(f, std::move(step));
  }

  // ---- Other files ----

  void include(const Node& n, Frame& f, const std::vector<Arg>& args, GrubInclude::Kind kind) {
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
             "mdguard cannot follow " + cmd + " " + quoted(inc.path.text) +
                 ": the path depends on " + inc.path.unknown[0]);
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
      report(f, n.begin, f.conds.empty() ? Severity::warning : Severity::info,
             "grub-include-missing",
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

  // "(${root})/boot/grub/grub.cfg": what is unknown is only the device, which
  // the reader maps anyway.
  static bool only_device_unknown(const std::string& path) {
    if (path.empty() || path[0] != '(') return false;
    size_t close = path.find(')');
    return close != std::string::npos && path.find("${", close) == std::string::npos;
  }

  // configfile: a new context (exported variables only) and a new menu; when
  // that menu has entries GRUB shows it, and the rest of this file runs only
  // if someone leaves it with Escape.
  void configfile(const Node& n, Frame& f, const SourceFile* file) {
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
               "the menu of " + file->name + " replaces the " +
                   std::to_string(saved_entries.size()) +
                   " entries defined before this configfile");
      return;
    }
    cfg_.entries = std::move(saved_entries);
    cfg_.default_settings = std::move(saved_defaults);
    menu_size_ = std::move(saved_sizes);
  }

  void blscfg(const Node& n, Frame& f) {
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
  std::string bls_expand(const Frame& f, const std::string& value,
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

  void bls_entry(Frame& f, const BlsEntry& b) {
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
  std::vector<Word> bls_words(const BlsEntry& b, const std::string& text, const char* key) {
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

  static std::string token_problem(const Token& t) {
    if (t.kind == Tok::semi) return "';' ends the command";
    if (t.kind == Tok::newline) return "a new line ends the command";
    if (t.kind == Tok::lbrace || t.kind == Tok::rbrace) return "a brace ends the command";
    return t.message;
  }

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

}  // namespace

GrubConfig parse_grub_cfg(std::string_view filename, std::string_view text,
                          const GrubCfgOptions& options) {
  GrubConfig cfg;
  Interpreter(cfg, options).run(filename, text);
  // Parse errors come first and evaluation findings later: order by place.
  auto rank = [&cfg](const Diagnostic& d) {
    auto it = std::find(cfg.files.begin(), cfg.files.end(), d.file);
    return std::make_pair(it - cfg.files.begin(), d.line);
  };
  std::stable_sort(cfg.diagnostics.begin(), cfg.diagnostics.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return rank(a) < rank(b); });
  return cfg;
}

// ---- The default entry (grub-core/normal/menu.c) ----

bool grub_menu_name_matches(std::string_view title, std::string_view spec) {
  auto at = [](std::string_view s, size_t k) { return k < s.size() ? s[k] : '\0'; };
  size_t i = 0, j = 0;
  for (;;) {
    if (at(spec, j) == '>' && at(spec, j + 1) != '>') return at(title, i) == '\0';
    if (at(spec, j) == '>') ++j;
    if (at(title, i) != at(spec, j)) return false;
    if (at(title, i) == '\0') return true;
    ++i;
    ++j;
  }
}

namespace {

// grub_strtoul(value, 0, 0) as get_entry_number() calls it: blanks skipped,
// 0x hex, 0 octal, digits up to the first that does not fit, trailing text
// ignored. nullopt: no digit at all (GRUB then looks for a title or id);
// -1: out of range (GRUB then uses the first entry).
std::optional<long long> grub_entry_number(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && is_space(s[i])) ++i;
  unsigned base = 10;
  if (i < s.size() && s[i] == '0' && i + 1 < s.size()) {
    if (s[i + 1] == 'x') {
      base = 16;
      i += 2;
    } else if (s[i + 1] >= '0' && s[i + 1] <= '7') {
      base = 8;
    }
  }
  bool found = false;
  unsigned long long n = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    unsigned digit;
    if (is_digit(c))
      digit = static_cast<unsigned>(c - '0');
    else if (is_alpha(c))
      digit = static_cast<unsigned>((c | 0x20) - 'a' + 10);
    else
      break;
    if (digit >= base) break;
    found = true;
    if (n > (0x7fffffffULL - digit) / base) return -1;  // beyond GRUB's int: the first entry
    n = n * base + digit;
  }
  if (!found) return std::nullopt;
  return static_cast<long long>(n);
}

// The position get_entry_number() finds among `items`, or -1.
long long entry_number(const GrubConfig& cfg, const std::vector<size_t>& items,
                       std::string_view value) {
  if (std::optional<long long> n = grub_entry_number(value)) return *n;
  for (size_t i = 0; i < items.size(); ++i) {
    const GrubEntry& e = cfg.entries[items[i]];
    if (grub_menu_name_matches(e.title, value) || grub_menu_name_matches(e.id, value))
      return static_cast<long long>(i);
  }
  return -1;
}

// Red Hat's menuentry_eq() with a length limit: nonzero is a match.
long long rh_menuentry_eq(std::string_view id, std::string_view spec, long long limit) {
  auto at = [](std::string_view s, size_t k) { return k < s.size() ? s[k] : '\0'; };
  size_t i = 0, j = 0;
  while (limit == -1 || static_cast<long long>(i) <= limit) {
    if (at(spec, j) == '>' && at(spec, j + 1) != '>')
      return at(id, i) == '\0' ? static_cast<long long>(j) : 0;
    if (at(spec, j) == '>') ++j;
    if (at(id, i) != at(spec, j)) {
      if (limit > -1 && static_cast<long long>(i) == limit && at(id, i) == '\0' &&
          is_space(at(spec, j)))
        return static_cast<long long>(i) - 1;
      return 0;
    }
    if (at(id, i) == '\0') return static_cast<long long>(i);
    ++i;
    ++j;
  }
  return 0;
}

// Red Hat's get_entry_number_helper() and get_entry_number(): ids first (up
// to the first blank), then titles, then a number that must be all of the value.
long long rh_entry_number(const GrubConfig& cfg, const std::vector<size_t>& items,
                          std::string_view value) {
  size_t l = 0;
  while (l < value.size() && !is_space(value[l])) ++l;
  for (size_t i = 0; i < items.size(); ++i)
    if (rh_menuentry_eq(cfg.entries[items[i]].id, value, static_cast<long long>(l)) != 0)
      return l < value.size() ? -1 : static_cast<long long>(i);
  for (size_t i = 0; i < items.size(); ++i)
    if (rh_menuentry_eq(cfg.entries[items[i]].title, value, -1) != 0)
      return static_cast<long long>(i);
  size_t digits = 0;
  while (digits < value.size() && is_space(value[digits])) ++digits;
  std::optional<long long> n = grub_entry_number(value);
  if (!n) return -1;
  // The number must be the whole value: find where strtoul stopped.
  size_t k = digits;
  unsigned base = 10;
  if (k + 1 < value.size() && value[k] == '0' && value[k + 1] == 'x') {
    base = 16;
    k += 2;
  } else if (k + 1 < value.size() && value[k] == '0' && value[k + 1] >= '0' &&
             value[k + 1] <= '7') {
    base = 8;
  }
  for (; k < value.size(); ++k) {
    char c = value[k];
    unsigned d = is_digit(c)   ? static_cast<unsigned>(c - '0')
                 : is_alpha(c) ? static_cast<unsigned>((c | 0x20) - 'a' + 10)
                               : 99;
    if (d >= base) break;
  }
  return k < value.size() ? -1 : *n;
}

// What GRUB keeps of `default` inside a submenu: the text after its first
// unescaped '>'; nullopt when nothing follows.
std::optional<std::string> submenu_default(std::string_view value) {
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '>' && i + 1 < value.size() && value[i + 1] == '>') {
      ++i;
      continue;
    }
    if (value[i] == '>') {
      if (i + 1 < value.size()) return std::string(value.substr(i + 1));
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::string titles(const GrubConfig& cfg, size_t index) {
  std::string out = "'" + cfg.entries[index].title + "'";
  for (auto p = cfg.entries[index].parent; p; p = cfg.entries[*p].parent)
    out = "'" + cfg.entries[*p].title + "' > " + out;
  return out;
}

}  // namespace

GrubDefault resolve_default(const GrubConfig& cfg, std::string_view grub_default,
                            GrubFlavor flavor) {
  GrubDefault r;
  if (flavor == GrubFlavor::automatic) {
    bool bls = std::any_of(cfg.includes.begin(), cfg.includes.end(), [](const GrubInclude& i) {
      return i.kind == GrubInclude::Kind::blscfg;
    });
    flavor = bls ? GrubFlavor::red_hat : GrubFlavor::upstream;
  }
  r.flavor = flavor;
  bool rh = flavor == GrubFlavor::red_hat;
  std::optional<std::string> value;
  std::string origin;
  if (!grub_default.empty()) {
    origin = "GRUB_DEFAULT=" + std::string(grub_default);
    value = std::string(grub_default);
    if (grub_default == "saved") {
      auto it = cfg.globals.find("saved_entry");
      value = it == cfg.globals.end() ? "" : it->second.text;
      origin += " (saved_entry=\"" + *value + "\")";
      if (it != cfg.globals.end() && !it->second.known()) r.uncertain = true;
    }
  } else if (auto it = cfg.globals.find("default"); it != cfg.globals.end()) {
    value = it->second.text;
    origin = "default=\"" + *value + "\"";
    if (!it->second.known()) {
      r.value = *value;
      r.uncertain = true;
      r.explanation = "The default entry depends on " + it->second.unknown[0] +
                      ", which mdguard does not know.";
      return r;
    }
  }
  if (value) r.value = *value;

  std::optional<size_t> menu;
  std::optional<std::string> spec = value;
  bool conditional = false;
  for (;;) {
    std::vector<size_t> items;
    for (size_t i = 0; i < cfg.entries.size(); ++i)
      if (cfg.entries[i].parent == menu) items.push_back(i);
    if (items.empty()) {
      r.explanation =
          menu ? "The submenu " + titles(cfg, *menu) + " has no entries: GRUB boots nothing."
               : "grub.cfg defines no menu entries: GRUB boots nothing.";
      return r;
    }
    long long n = !spec ? -1
                  : rh  ? rh_entry_number(cfg, items, *spec)
                        : entry_number(cfg, items, *spec);
    if (n < 0 || n >= static_cast<long long>(items.size())) {
      if (spec && !spec->empty()) r.fell_back = true;
      n = 0;
    }
    size_t chosen = items[static_cast<size_t>(n)];
    r.numbers += (menu ? ">" : "") + std::to_string(n);
    for (long long i = 0; i <= n; ++i)
      conditional = conditional || !cfg.entries[items[static_cast<size_t>(i)]].conditions.empty();
    if (!cfg.entries[chosen].submenu) {
      r.entry = chosen;
      break;
    }
    menu = chosen;
    // Red Hat's GRUB leaves `default` alone when nothing follows a '>'.
    if (spec) {
      std::optional<std::string> rest = submenu_default(*spec);
      if (rest || !rh) spec = rest;
    }
  }
  r.uncertain = r.uncertain || conditional;
  std::string target = "GRUB boots " + titles(cfg, *r.entry) + " (menu position " + r.numbers + ")";
  if (!value)
    r.explanation = "default is not set: " + target + ".";
  else if (r.fell_back)
    r.explanation = origin + " names no menu entry, so " + target + ".";
  else
    r.explanation = origin + ": " + target + ".";
  if (conditional)
    r.explanation +=
        " Entries up to it depend on conditions mdguard cannot decide, so the "
        "position is a guess.";
  return r;
}

std::optional<size_t> default_entry(const GrubConfig& cfg, std::string_view grub_default,
                                    GrubFlavor flavor) {
  return resolve_default(cfg, grub_default, flavor).entry;
}

// ---- grubenv (grub-core/lib/envblk.c) ----

GrubEnvBlock parse_grubenv(std::string_view filename, std::string_view text) {
  GrubEnvBlock env;
  constexpr std::string_view kSignature = "# GRUB Environment Block\n";
  std::vector<std::string_view> lines = split_lines(text);
  auto line_of = [&](size_t offset) {
    return 1 + static_cast<int>(
                   std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
  };
  auto warn = [&](size_t offset, std::string message) {
    int line = line_of(offset);
    std::string_view source =
        line - 1 < static_cast<int>(lines.size()) ? lines[static_cast<size_t>(line - 1)] : "";
    env.diagnostics.push_back(line_diag(Severity::warning, filename, line, source.substr(0, 120),
                                        "grubenv-format", std::move(message)));
  };
  if (text.substr(0, kSignature.size()) != kSignature) {
    env.diagnostics.push_back(line_diag(
        Severity::error, filename, 1, lines.empty() ? "" : lines[0].substr(0, 120),
        "grubenv-signature",
        "not a GRUB environment block: it must start with \"# GRUB Environment Block\"; load_env "
        "refuses it"));
    return env;
  }
  size_t p = kSignature.size();
  while (p < text.size()) {
    if (text[p] != '#') {
      size_t name_start = p;
      while (p < text.size() && text[p] != '=') ++p;
      if (p == text.size()) {
        std::string_view rest = text.substr(name_start);
        if (rest.find_first_not_of(" \t\n\r\0", 0, 5) != std::string_view::npos)
          warn(name_start, "a line without '=': GRUB stops reading the block here");
        return env;
      }
      std::string name(text.substr(name_start, p - name_start));
      if (name.find('\n') != std::string::npos)
        warn(name_start, "a line without '=': GRUB reads it and the next line as one name");
      ++p;
      size_t value_start = p;
      while (p < text.size() && text[p] != '\n') p += text[p] == '\\' ? 2 : 1;
      if (p >= text.size()) {
        warn(name_start, "the last variable does not end with a new line: GRUB ignores it");
        return env;
      }
      std::string value;
      for (size_t q = value_start; q < p; ++q) value += text[q] == '\\' ? text[++q] : text[q];
      env.vars[name] = value;
    }
    while (p < text.size() && text[p++] != '\n') {
    }
  }
  return env;
}

// ---- /etc/default/grub ----

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

// ---- Boot Loader Specification entries (blscfg.c) ----

BlsEntry parse_bls_entry(std::string_view filename, std::string_view text) {
  BlsEntry b;
  b.file = std::string(filename);
  std::string_view base =
      filename.substr(std::min(filename.size(), filename.find_last_of('/') + 1));
  if (base.size() > 5 && base.substr(base.size() - 5) == ".conf") base.remove_suffix(5);
  b.id = std::string(base);
  std::vector<std::string_view> lines = split_lines(text);
  bool seen_options = false;
  for (size_t n = 0; n < lines.size(); ++n) {
    int line = static_cast<int>(n) + 1;
    std::string buf;
    for (char c : lines[n])
      if (c != '\r') buf += c;
    size_t start = buf.find_first_not_of(" \t");
    std::string_view v =
        start == std::string::npos ? std::string_view() : std::string_view(buf).substr(start);
    if (!v.empty() && v[0] == '#') continue;
    size_t sep = v.find(' ');
    if (sep == std::string_view::npos) sep = v.find('\t');
    if (sep == std::string_view::npos || sep + 1 == v.size()) {
      for (size_t k = n + 1; k < lines.size(); ++k) {
        size_t f = lines[k].find_first_not_of(" \t\r");
        if (f == std::string_view::npos || lines[k][f] == '#') continue;
        b.diagnostics.push_back(line_diag(
            Severity::warning, filename, line, lines[n], "bls-format",
            v.empty()
                ? "a blank line: GRUB's blscfg stops reading the entry here, so the lines after "
                  "it are ignored"
                : "a key without a value: GRUB's blscfg stops reading the entry here, so the "
                  "lines after it are ignored"));
        break;
      }
      break;
    }
    std::string key(v.substr(0, sep));
    size_t value_at = sep + 1;
    while (value_at < v.size() && (v[value_at] == ' ' || v[value_at] == '\t')) ++value_at;
    std::string value(v.substr(value_at));
    if (key.find('\t') != std::string::npos)
      b.diagnostics.push_back(line_diag(
          Severity::warning, filename, line, lines[n], "bls-format",
          "a tab after the key and a space later: blscfg splits at the first space, so the key is "
          "read as " +
              quoted(key)));
    b.fields.emplace_back(key, value);
    b.field_lines.push_back(line);
    if (key == "title" && b.title.empty()) b.title = value;
    if (key == "version" && b.version.empty()) b.version = value;
    if (key == "linux" && b.kernel.empty()) {
      b.kernel = value;
      b.kernel_line = line;
    }
    if (key == "options") {
      if (seen_options)
        b.diagnostics.push_back(
            line_diag(Severity::warning, filename, line, lines[n], "bls-options",
                      "a second 'options' line: GRUB's blscfg uses only the first"));
      else {
        b.options = value;
        b.options_line = line;
      }
      seen_options = true;
    }
    if (key == "initrd") b.initrds.push_back(value);
    if (key == "grub_class") b.classes.push_back(value);
  }
  if (b.kernel.empty())
    b.diagnostics.push_back(make_diag(Severity::warning, b.file, "bls-no-linux",
                                      "no 'linux' line: GRUB's blscfg skips this entry"));
  return b;
}

int rpm_vercmp(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  size_t i = 0, j = 0;
  auto sep = [](char c) { return !is_alnum(c) && c != '~' && c != '^'; };
  while (i < a.size() || j < b.size()) {
    while (i < a.size() && sep(a[i])) ++i;
    while (j < b.size() && sep(b[j])) ++j;
    char ca = i < a.size() ? a[i] : '\0', cb = j < b.size() ? b[j] : '\0';
    if (ca == '~' || cb == '~') {
      if (ca != '~') return 1;
      if (cb != '~') return -1;
      ++i;
      ++j;
      continue;
    }
    if (ca == '^' || cb == '^') {
      if (i >= a.size()) return -1;
      if (j >= b.size()) return 1;
      if (ca != '^') return 1;
      if (cb != '^') return -1;
      ++i;
      ++j;
      continue;
    }
    if (i >= a.size() || j >= b.size()) break;
    size_t si = i, sj = j;
    bool num = is_digit(a[i]);
    auto same_kind = [num](char c) { return num ? is_digit(c) : is_alpha(c); };
    while (i < a.size() && same_kind(a[i])) ++i;
    while (j < b.size() && same_kind(b[j])) ++j;
    std::string_view x = a.substr(si, i - si), y = b.substr(sj, j - sj);
    if (y.empty()) return num ? 1 : -1;
    if (num) {
      while (x.size() > 1 && x[0] == '0') x.remove_prefix(1);
      while (y.size() > 1 && y[0] == '0') y.remove_prefix(1);
      if (x.size() != y.size()) return x.size() > y.size() ? 1 : -1;
    }
    if (int c = x.compare(y); c != 0) return c < 0 ? -1 : 1;
  }
  if (i >= a.size() && j >= b.size()) return 0;
  return i < a.size() ? 1 : -1;
}

}  // namespace mdguard
