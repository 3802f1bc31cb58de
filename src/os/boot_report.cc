// SPDX-License-Identifier: GPL-2.0-or-later
#include "os/boot_report.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "os/file_io.h"

namespace mdguard {
namespace {

// The kernel log takes lines of about a kilobyte: cut long explanations at
// spaces into pieces it keeps whole.
std::vector<std::string> pieces(const std::string& text, size_t width = 700) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = std::min(text.size(), start + width);
    size_t nl = text.find('\n', start);
    if (nl != std::string::npos && nl < end)
      end = nl;
    else if (end < text.size())
      if (size_t sp = text.rfind(' ', end); sp != std::string::npos && sp > start) end = sp;
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool write_atomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  return write_file(tmp, text) && std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace

void BootReport::say(Level level, const std::string& text) const {
  std::fprintf(stderr, "mdguard: %s\n", text.c_str());
  if (kmsg_) to_kmsg(level, text);
}

void BootReport::to_kmsg(Level level, const std::string& text) const {
  int fd = ::open(sys_.path("/dev/kmsg").c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  for (const std::string& piece : pieces(text)) {
    std::string line = "<" + std::to_string(level) + ">mdguard: " + piece + "\n";
    if (::write(fd, line.data(), line.size()) < 0) break;
  }
  ::close(fd);
}

bool BootReport::save_status(const std::string& part, const Json& value) const {
  if (!sys_.in_initrd()) return false;
  std::string dir = sys_.path("/run/mdguard");
  ::mkdir(sys_.path("/run").c_str(), 0755);
  ::mkdir(dir.c_str(), 0755);
  write_atomically(dir + "/" + part + ".json", value.dump() + "\n");
  auto saved = [&](const char* name, const char* fallback) {
    auto text = sys_.read("/run/mdguard/" + std::string(name) + ".json");
    return text && !text->empty() ? *text : std::string(fallback);
  };
  std::string status = "{\n\"schema\": " + std::to_string(kJsonSchema) +
                       ",\n\"arrays\": " + saved("arrays", "[]") +
                       ",\n\"root\": " + saved("root", "null") + "}\n";
  return write_atomically(dir + "/status.json", status);
}

}  // namespace mdguard
