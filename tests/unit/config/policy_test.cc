// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/policy.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "config/mdadm_conf.h"

using namespace mdguard;

namespace {

using Strings = std::vector<std::string>;
using D = Policy::Degraded;

const char* const kConf = "/etc/mdguard.conf";

struct Parsed {
  Policy policy;
  std::vector<Diagnostic> diags;
};

Parsed parse(std::string_view conf, std::string_view cmdline = "") {
  Parsed p;
  p.policy = parse_policy(kConf, conf, cmdline, p.diags);
  return p;
}

std::array<uint8_t, 16> uuid(std::string_view text) {
  auto u = parse_md_uuid(text);
  REQUIRE(u);
  return *u;
}

std::vector<std::string> codes(const std::vector<Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const Diagnostic& d : ds) out.push_back(d.code);
  return out;
}

const char* const kA = "0a1b2c3d:4e5f6071:8293a4b5:c6d7e8f9";
const char* const kB = "11111111:22222222:33333333:44444444";

}  // namespace

TEST_CASE("defaults: boot degraded after 20 seconds", "[policy]") {
  Parsed p = parse("", "");
  CHECK(p.diags.empty());
  CHECK(p.policy.degraded == D::allow);
  CHECK(p.policy.wait_seconds == 20);
  CHECK(p.policy.prompt_fallback == D::allow);
  CHECK(p.policy.prompt_seconds == 10);
  CHECK(p.policy.prefer.empty());
  CHECK(p.policy.prefer_paths.empty());
  CHECK_FALSE(p.policy.off);
  CHECK_FALSE(p.policy.md_off);
  CHECK(p.policy.root.empty());
  CHECK(p.policy.rd_md_uuids.empty());
  CHECK(describe(p.policy) ==
        "Arrays whose members are all present start at once. When members are missing, "
        "mdguard waits up to 20 seconds for them to appear, then starts the array degraded, so "
        "the machine still boots after a disk dies. A split brain (two halves that each "
        "recorded the other as failed) is never resolved silently: the boot stops until "
        "mdguard.prefer= names the half to keep.");
}

TEST_CASE("mdguard.conf sets every key", "[policy]") {
  Parsed p = parse(
      "# mdguard boot policy\n"
      "\n"
      "degraded = prompt\n"
      "wait=45   # slow SAS expander\n"
      "  prompt-timeout =\t30\n"
      "prompt-default = deny\n"
      "prefer = " +
      std::string(kA) +
      "\n"
      "prefer = " +
      std::string(kB) + ", /dev/sdb1\n");
  CHECK(p.diags.empty());
  CHECK(p.policy.degraded == D::prompt);
  CHECK(p.policy.wait_seconds == 45);
  CHECK(p.policy.prompt_seconds == 30);
  CHECK(p.policy.prompt_fallback == D::deny);
  CHECK(p.policy.prefer == std::vector{uuid(kA), uuid(kB)});
  CHECK(p.policy.prefer_paths == Strings{"/dev/sdb1"});
  CHECK(describe(p.policy) ==
        "Arrays whose members are all present start at once. When members are missing, "
        "mdguard waits up to 45 seconds for them to appear, then asks on the console whether "
        "to start it degraded; with no answer within 30 seconds it refuses to start it. In a "
        "split brain (two halves that each recorded the other as failed), the half on "
        "0a1b2c3d:4e5f6071:8293a4b5:c6d7e8f9, 11111111:22222222:33333333:44444444, /dev/sdb1 "
        "is kept and the other left out.");
}

TEST_CASE("mdguard.conf mistakes are errors with file:line and a caret", "[policy]") {
  Parsed p = parse(
      "degraded = sometimes\n"
      "wait = 20s\n"
      "timeout = 5\n"
      "just words\n"
      "prompt-default = prompt\n"
      "prefer = 0a1b2c3d, " +
      std::string(kA) +
      "\n"
      "wait = 99999\n"
      "degraded =\n");
  CHECK(codes(p.diags) == Strings{"policy-bad-value", "policy-bad-value", "policy-unknown-key",
                                  "policy-syntax", "policy-bad-value", "policy-bad-value",
                                  "policy-bad-value", "policy-bad-value"});
  CHECK(format(p.diags[0]) ==
        "/etc/mdguard.conf:1: error: degraded = 'sometimes': expected allow, deny or prompt; "
        "read as deny, the strictest setting\n"
        "degraded = sometimes\n"
        "           ^");
  CHECK(format(p.diags[2]) ==
        "/etc/mdguard.conf:3: error: unknown key 'timeout' (known: degraded, wait, "
        "prompt-timeout, prompt-default, prefer); it may be a misspelt setting, so degraded "
        "starts read as deny, the strictest setting\n"
        "timeout = 5\n"
        "^");
  CHECK(p.diags[3].message == "expected 'key = value'");
  CHECK(p.diags[4].message ==
        "prompt-default = 'prompt': expected allow or deny; read as deny, the strictest setting");
  CHECK(p.diags[5].message ==
        "prefer = '0a1b2c3d, 0a1b2c3d:4e5f6071:8293a4b5:c6d7e8f9': '0a1b2c3d' is neither a "
        "device UUID (32 hex digits) nor a /dev path; no half is preferred, so a split brain "
        "stays refused");
  CHECK(p.diags[6].message ==
        "wait = '99999': expected a number of seconds from 0 to 86400; it stays 20");
  CHECK(p.diags[7].line == 8);
  CHECK(p.diags[7].column == 11);
  // A mistake never reads as a less safe setting: degraded starts read as
  // deny, the wait stays what it was, a half-valid prefer line adds nothing.
  CHECK(p.policy.degraded == D::deny);
  CHECK(p.policy.prompt_fallback == D::deny);
  CHECK(p.policy.wait_seconds == 20);
  CHECK(p.policy.prefer.empty());
  CHECK(p.policy.prefer.empty());
}

TEST_CASE("a key set twice in mdguard.conf warns, the last wins", "[policy]") {
  Parsed p = parse("wait = 5\r\nwait = 7\r\n");
  CHECK(p.policy.wait_seconds == 7);
  REQUIRE(p.diags.size() == 1);
  CHECK(p.diags[0].severity == Diagnostic::Severity::warning);
  CHECK(format(p.diags[0]) ==
        "/etc/mdguard.conf:2: warning: wait is set again; this line overrides line 1\n"
        "wait = 7\n"
        "^");
}

TEST_CASE("the kernel command line overrides mdguard.conf", "[policy]") {
  Parsed p = parse("degraded = deny\nwait = 60\nprefer = " + std::string(kA) + "\n",
                   "BOOT_IMAGE=/vmlinuz-6.1.0-9-amd64 root=/dev/md0 ro quiet "
                   "mdguard.degraded=prompt mdguard.wait=5 mdguard.prompt_timeout=3 "
                   "mdguard.prompt-default=deny mdguard.prefer=" +
                       std::string(kB) + " mdguard.prefer=/dev/vdb1\n");
  CHECK(p.diags.empty());
  CHECK(p.policy.degraded == D::prompt);
  CHECK(p.policy.wait_seconds == 5);
  CHECK(p.policy.prompt_seconds == 3);
  CHECK(p.policy.prompt_fallback == D::deny);
  CHECK(p.policy.prefer == std::vector{uuid(kB)});  // replaces the file's list
  CHECK(p.policy.prefer_paths == Strings{"/dev/vdb1"});
  CHECK(p.policy.root == "/dev/md0");
}

TEST_CASE("kernel switches: mdguard=off, rd.md=0, rd.md.uuid=, root=", "[policy]") {
  Parsed p = parse("", std::string("root=UUID=5f1c6a7e-3b2d-4c1e-9f00-123456789abc rd.md=0 "
                                   "rd.md.uuid=") +
                           kA + " rd.md.uuid=" + kB + " mdguard=off");
  CHECK(p.diags.empty());
  CHECK(p.policy.off);
  CHECK(p.policy.md_off);
  CHECK(p.policy.root == "UUID=5f1c6a7e-3b2d-4c1e-9f00-123456789abc");
  CHECK(p.policy.rd_md_uuids == std::vector{uuid(kA), uuid(kB)});
  CHECK(describe(p.policy) ==
        "mdguard is off (mdguard=off on the kernel command line): it assembles nothing and "
        "leaves md arrays to the rest of the initrd.");

  Parsed md_off = parse("", "rd.md=0");
  CHECK(describe(md_off.policy) ==
        "md assembly is off (rd.md=0 on the kernel command line): mdguard assembles no array.");
  CHECK_FALSE(parse("", "rd.md=0 rd.md=1").policy.md_off);
  CHECK_FALSE(parse("", "mdguard=off mdguard=on").policy.off);

  Parsed listed = parse("", std::string("root=/dev/md/root rd.md.uuid=") + kA);
  CHECK(describe(listed.policy)
            .ends_with(
                " The kernel command line names arrays with rd.md.uuid=: "
                "0a1b2c3d:4e5f6071:8293a4b5:c6d7e8f9. The root file system is root=/dev/md/root."));
}

TEST_CASE("bad command line values are warnings and read as the strictest", "[policy]") {
  std::string cmdline =
      "ro mdguard.wait=soon mdguard.degraded=yes mdguard.prefer=" + std::string(kB) +
      ",nope mdguard.colour=blue rd.md.uuid=xyz mdguard=maybe";
  Parsed p = parse("wait = 30\nprefer = " + std::string(kA) + "\n", cmdline);
  CHECK(p.policy.wait_seconds == 30);
  CHECK(p.policy.degraded == D::deny);
  CHECK(p.policy.prefer == std::vector{uuid(kA)});
  CHECK_FALSE(p.policy.off);
  CHECK(p.policy.rd_md_uuids.empty());
  CHECK_FALSE(has_errors(p.diags));
  CHECK(codes(p.diags) == Strings{"cmdline-bad-value", "cmdline-bad-value", "cmdline-bad-value",
                                  "cmdline-unknown-key", "cmdline-bad-value", "cmdline-bad-value"});
  CHECK(format(p.diags[0]) ==
        "kernel command line: warning: mdguard.wait=soon: expected a number of seconds "
        "from 0 to 86400; it stays 30\n" +
            cmdline + "\n   ^");
  CHECK(p.diags[3].message ==
        "unknown parameter mdguard.colour (known: degraded, wait, prompt-timeout, "
        "prompt-default, prefer); it may be a misspelt setting, so degraded starts read as deny, "
        "the strictest setting");
}

TEST_CASE("quoted command line values", "[policy]") {
  Parsed p = parse("", "quiet mdguard.prefer=\"" + std::string(kA) + ", " + kB +
                           "\" \"root=/dev/md/my root\"\n");
  CHECK(p.diags.empty());
  CHECK(p.policy.prefer == std::vector{uuid(kA), uuid(kB)});
  CHECK(p.policy.root == "/dev/md/my root");
}

TEST_CASE("split_cmdline splits as the kernel's next_arg()", "[policy]") {
  CHECK(split_cmdline("") == Strings{});
  CHECK(split_cmdline(" \t\n") == Strings{});
  CHECK(split_cmdline("ro  quiet\tsplash\n") == Strings{"ro", "quiet", "splash"});
  CHECK(split_cmdline("foo=\"a b\" bar") == Strings{"foo=a b", "bar"});
  CHECK(split_cmdline("\"foo=a b\" bar") == Strings{"foo=a b", "bar"});
  CHECK(split_cmdline("\"just words\"") == Strings{"just words"});
  // Quotes elsewhere group but stay, as in the kernel.
  CHECK(split_cmdline("foo=a\"b c\"d e") == Strings{"foo=a\"b c\"d", "e"});
  // An unclosed quote runs to the end of the line.
  CHECK(split_cmdline("foo=\"a b c") == Strings{"foo=a b c"});
  CHECK(split_cmdline("foo=\"") == Strings{"foo="});
  CHECK(split_cmdline("\"") == Strings{""});
  CHECK(split_cmdline("=x -- init arg") == Strings{"=x", "--", "init", "arg"});
}

TEST_CASE("keys and values in any case: a typo never reads as allow", "[policy]") {
  Parsed conf = parse("Degraded = DENY\nPROMPT-Default = Deny\n");
  CHECK(conf.diags.empty());
  CHECK(conf.policy.degraded == D::deny);
  CHECK(conf.policy.prompt_fallback == D::deny);
  Parsed cmd = parse("", "mdguard.Degraded=Deny mdguard=Off");
  CHECK(cmd.diags.empty());
  CHECK(cmd.policy.degraded == D::deny);
  CHECK(cmd.policy.off);
  // The two typos, each of which used to read as allow.
  Parsed denied = parse("degraded = denied\n");
  CHECK(denied.policy.degraded == D::deny);
  REQUIRE(denied.diags.size() == 1);
  CHECK(denied.diags[0].severity == Diagnostic::Severity::error);
  CHECK(denied.diags[0].message.find("read as deny") != std::string::npos);
  Parsed later = parse("degraded = allow\n", "mdguard.degraded=alow");
  CHECK(later.policy.degraded == D::deny);
  Parsed misspelt = parse("degarded = allow\n");
  CHECK(misspelt.policy.degraded == D::deny);
}
