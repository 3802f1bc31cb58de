// SPDX-License-Identifier: GPL-2.0-or-later
// The JSON writer: every string it prints is valid UTF-8 JSON, whatever bytes
// it was given (a superblock name is 32 arbitrary bytes), with ill-formed
// UTF-8 replaced as the Unicode Standard recommends (one U+FFFD per maximal
// subpart, chapter 3.9) and every control character escaped.
#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "base/json.h"
#include "base/utf8.h"
#include "support/json_validate.h"

using namespace mdguard;
using mdguard::testing::validate_json;

namespace {

const std::string R = "\xef\xbf\xbd";  // U+FFFD in UTF-8

std::string q(const std::string& s) {
  return "\"" + s + "\"";
}

}  // namespace

TEST_CASE("valid UTF-8 passes through unchanged") {
  for (std::string s :
       {"plain", "caf\xc3\xa9", "\xe2\x82\xac 5", "\xf0\x9f\x98\x80",
        "\xf4\x8f\xbf\xbf" /* U+10FFFF */, "\xed\x9f\xbf" /* U+D7FF */, "\xee\x80\x80" /* U+E000 */,
        "\xef\xbf\xbf" /* U+FFFF */, "\xc2\xa0" /* U+00A0 */}) {
    CAPTURE(s);
    CHECK(is_valid_utf8(s));
    CHECK(to_valid_utf8(s) == s);
    CHECK(json_quote(s) == q(s));
  }
}

TEST_CASE("each maximal subpart of ill-formed UTF-8 becomes one U+FFFD") {
  struct Case {
    std::string in, out;
  };
  // Expected values as Python's bytes.decode("utf-8", "replace") gives them.
  for (const Case& c : std::vector<Case>{
           {"\xff\xfe", R + R},  // bytes that start nothing (mdadm names)
           {"md\xff"
            "0",
            "md" + R + "0"},                             // in the middle
           {"\xc0\xaf", R + R},                          // overlong '/'
           {"\xc1\xbf", R + R},                          // overlong
           {"\xe0\x80\xaf", R + R + R},                  // overlong, three bytes
           {"\xf0\x80\x80\xaf", R + R + R + R},          // overlong, four bytes
           {"\xed\xa0\x80", R + R + R},                  // UTF-16 surrogate U+D800
           {"\xed\xbf\xbf", R + R + R},                  // surrogate U+DFFF
           {"\xf4\x90\x80\x80", R + R + R + R},          // U+110000
           {"\xf8\x88\x80\x80\x80", R + R + R + R + R},  // five-byte form
           {"\xe2\x82", R},                              // truncated at the end
           {"\xe2\x82"
            "A",
            R + "A"},            // truncated before ASCII
           {"\xf0\x9f\x98", R},  // truncated four-byte
           {"\x80", R},          // lone continuation
           // The Unicode Standard's own example (Table 3-8).
           {"\x61\xf1\x80\x80\xe1\x80\xc2\x62\x80\x63\x80\xbf\x64",
            "a" + R + R + R + "b" + R + "c" + R + R + "d"},
       }) {
    CAPTURE(c.in);
    CHECK_FALSE(is_valid_utf8(c.in));
    CHECK(to_valid_utf8(c.in) == c.out);
    CHECK(json_quote(c.in) == q(c.out));
    CHECK_FALSE(validate_json(json_quote(c.in)));
  }
}

TEST_CASE("control characters are escaped as RFC 8259 asks") {
  CHECK(json_quote(std::string("a\0b", 3)) == q("a\\u0000b"));
  CHECK(json_quote("\x01\x1f") == q("\\u0001\\u001f"));
  CHECK(json_quote("\b\f\n\r\t") == q("\\b\\f\\n\\r\\t"));
  CHECK(json_quote("say \"hi\" \\ bye") == q("say \\\"hi\\\" \\\\ bye"));
  // DEL and the C1 controls (ESC's eight-bit twin U+009B starts terminal
  // sequences) are escaped too; U+00A0 is text.
  CHECK(json_quote("\x7f") == q("\\u007f"));
  CHECK(json_quote("\xc2\x80\xc2\x9b\xc2\x9f\xc2\xa0") == q("\\u0080\\u009b\\u009f\xc2\xa0"));
  CHECK(json_quote("/") == q("/"));
}

TEST_CASE("every byte string dumps as valid JSON, keys included") {
  std::mt19937 rng(12);
  for (int round = 0; round < 2000; ++round) {
    std::string s(rng() % 40, '\0');
    for (char& c : s) c = static_cast<char>(rng() % 256);
    std::string doc = Json::object().set(s, Json::array().push(s).push(round)).dump();
    CAPTURE(doc);
    auto problem = validate_json(doc);
    INFO(problem.message << " at " << problem.offset);
    REQUIRE_FALSE(problem);
    REQUIRE(is_valid_utf8(to_valid_utf8(s)));
  }
}

TEST_CASE("a superblock name of bytes 0xff 0xfe in a document") {
  std::string doc = json_document()
                        .set("name",
                             "\xff\xfe"
                             "root")
                        .set("n", uint64_t{18446744073709551615u})
                        .dump();
  CHECK(doc == "{\n  \"schema\": 1,\n  \"name\": \"" + R + R +
                   "root\",\n  \"n\": 18446744073709551615\n}");
  CHECK_FALSE(validate_json(doc));
  CHECK(json_document().dump(-1) == "{\"schema\":1}");
}
