// SPDX-License-Identifier: GPL-2.0-or-later
// The checkers the tests and fuzzers judge mdguard's output with
// (tests/support/): a checker that accepts everything would let every
// output test pass, so each rule it enforces is shown failing here.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support/exposition_validate.h"
#include "support/json_validate.h"

using namespace mdguard::testing;

TEST_CASE("the JSON validator accepts RFC 8259 JSON") {
  for (std::string ok : {
           "{}", "[]", "0", "-0", "-12.5e+3", "1E-2", "true", "false", "null", "\"\"",
           " \t\r\n{\"a\": [1, {\"b\": null}], \"c\": \"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}\n",
           "\"\\u00e9\\ud83d\\ude00\"",         // an escaped surrogate pair
           "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"",  // raw UTF-8
           "{\"a\": 1, \"\\u0061b\": 2}",       // "ab" differs from "a"
           "{\"\\n\": 1, \"\\\\n\": 2}",        // a new line differs from backslash-n
       }) {
    CAPTURE(ok);
    auto p = validate_json(ok);
    INFO(p.message << " at " << p.offset);
    CHECK_FALSE(p);
  }
}

TEST_CASE("the JSON validator refuses what a strict parser refuses") {
  std::string deep(300, '[');
  deep += std::string(300, ']');
  for (const std::string& bad : std::vector<std::string>{
           "",
           " ",
           "{",
           "[1,]",
           "{\"a\":1,}",
           "{\"a\" 1}",
           "{a: 1}",
           "['a']",
           "01",
           "1.",
           ".5",
           "1e",
           "-",
           "+1",
           "NaN",
           "Infinity",
           "tru",
           "nul",
           "1 2",
           "{} x",
           "\"abc",
           "\"a\nb\"",                  // raw control character
           std::string("\"a\0b\"", 5),  // raw NUL
           "\"\\x41\"",
           "\"\\u12\"",
           "\"\\U0041\"",  // escapes RFC 8259 lacks
           "\"\\ud800\"",
           "\"\\ud800x\"",
           "\"\\ud800\\u0041\"",
           "\"\\udc00\"",  // lone surrogates
           "\"\xff\"",
           "\"\xfe\xff\"",
           "\"\x80\"",  // bytes starting nothing
           "\"\xc0\xaf\"",
           "\"\xe0\x80\xaf\"",
           "\"\xf0\x80\x80\xaf\"",  // overlong
           "\"\xed\xa0\x80\"",      // surrogate in UTF-8
           "\"\xf4\x90\x80\x80\"",  // past U+10FFFF
           "\"\xe2\x82\"",
           "\"\xe2\x82"
           "A\"",             // truncated
           "\xef\xbb\xbf{}",  // byte order mark
           "{\"a\": 1, \"a\": 2}",
           "{\"a\": 1, \"\\u0061\": 2}",  // duplicate names
           deep,
       }) {
    CAPTURE(bad);
    CHECK(validate_json(bad));
  }
  auto p = validate_json("{\"k\": \"ok\", \"v\": \"\xff\"}");
  CHECK(p.offset == 18);
  CHECK(p.message == "a byte that starts no UTF-8 sequence");
}

TEST_CASE("the exposition checker accepts node_exporter textfile metrics") {
  std::string ok =
      "# HELP a_ratio Help with \\\\ and \\n.\n"
      "# TYPE a_ratio gauge\n"
      "a_ratio{device=\"md0\",action=\"re\\\"sync\\\\\\n\"} 0.5\n"
      "a_ratio{device=\"md1\",} 1e-3\n"
      "# a comment\n"
      "\n"
      "# TYPE b_total counter\n"
      "# HELP b_total Counted.\n"
      "b_total 7 1700000000000\n"
      "# HELP c Caf\xc3\xa9.\n"
      "# TYPE c untyped\n"
      "c{l=\"\xf0\x9f\x98\x80\"} NaN\n"
      "c{l=\"x\"} -Inf\n";
  auto p = validate_exposition(ok);
  INFO(p.message << " on line " << p.line);
  CHECK_FALSE(p);
  CHECK_FALSE(validate_exposition(""));
}

TEST_CASE("the exposition checker refuses what expfmt and promtool refuse") {
  const std::string head = "# HELP m Help.\n# TYPE m gauge\n";
  for (const std::string& bad : std::vector<std::string>{
           head + "m 1",                                           // no line feed at the end
           "# TYPE m gauge\nm 1\n",                                // no HELP
           "# HELP m Help.\nm 1\n",                                // no TYPE
           "# HELP m Help.\nm 1\n# TYPE m gauge\n",                // TYPE after a sample
           head + "# TYPE m gauge\nm 1\n",                         // TYPE twice
           head + "# HELP m Again.\nm 1\n",                        // HELP twice
           "# HELP m A \\t.\n# TYPE m gauge\nm 1\n",               // escape HELP lacks
           head + "m 1\nm 2\n",                                    // one series twice
           head + "m{a=\"1\",b=\"2\"} 1\nm{b=\"2\",a=\"1\"} 1\n",  // the same, reordered
           head + "# HELP n N.\n# TYPE n gauge\nm{a=\"1\"} 1\nn 1\nm{a=\"2\"} 1\n",  // split
           head + "m{a=\"\\t\"} 1\n",           // escape label values lack
           head + "m{a=\"\xff\"} 1\n",          // not UTF-8
           head + "m{a=\"\xed\xa0\x80\"} 1\n",  // surrogate
           head + "m{a=\"x\"\n",                // unterminated
           head + "m{a=\"1\",a=\"2\"} 1\n",     // a label twice
           head + "m{__name__=\"x\"} 1\n",      // reserved label
           head + "m{1a=\"x\"} 1\n",            // bad label name
           head + "m{a=x} 1\n",                 // unquoted
           head + "m one\n",
           head + "m\n",
           head + "m  1\n",
           head + "m 1 x\n",
           head + "m 0x1p3\n",                          // hex float
           "# HELP 1m Help.\n# TYPE 1m gauge\n1m 1\n",  // bad metric name
           "# HELP m-x Help.\n# TYPE m-x gauge\nm-x 1\n",
           "# HELP m Help.\n# TYPE m histogram\nm 1\n",  // a type this checker does not know
           "# HELP m Help.\n# TYPE m counter\nm 1\n",    // counter without _total
           "# HELP m_total Help.\n# TYPE m_total gauge\nm_total 1\n",  // _total on a gauge
           "# HELP m Help.\n# TYPE m gauges\nm 1\n",
       }) {
    CAPTURE(bad);
    CHECK(validate_exposition(bad));
  }
}
