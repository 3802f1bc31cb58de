#include "console_prompt.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cstdio>

#include "clock.h"

namespace mdguard {
namespace {

std::optional<bool> parse_answer(const std::string& line) {
  if (line == "y" || line == "Y" || line == "yes") return true;
  if (line == "n" || line == "N" || line == "no") return false;
  return std::nullopt;
}

}  // namespace

std::optional<bool> ask_yes_no(const std::string& question, int seconds) {
  int fd = ::isatty(0) ? 0 : ::open("/dev/console", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (fd < 0 || !::isatty(fd)) {
    if (fd > 0) ::close(fd);
    return std::nullopt;
  }
  std::optional<bool> answer;
  std::string line;
  double deadline = monotonic_seconds() + seconds;
  while (!answer) {
    double left = deadline - monotonic_seconds();
    if (left <= 0) break;
    std::fprintf(stderr, "\r%s [y/n] (%2d s) ", question.c_str(), static_cast<int>(left + 0.999));
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 1000) <= 0) continue;
    char c;
    if (::read(fd, &c, 1) != 1) break;
    if (c != '\n') {
      line += c;
      continue;
    }
    answer = parse_answer(line);
    line.clear();
  }
  std::fprintf(stderr, "\n");
  if (fd > 0) ::close(fd);
  return answer;
}

}  // namespace mdguard
