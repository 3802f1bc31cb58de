// SPDX-License-Identifier: GPL-2.0-or-later
#include "os/console_prompt.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cstdio>

#include "os/clock.h"

namespace mdguard {
namespace {

std::optional<bool> parse_answer(const std::string& line) {
  if (line == "y" || line == "Y" || line == "yes") return true;
  if (line == "n" || line == "N" || line == "no") return false;
  return std::nullopt;
}

// The question goes where the answer comes from: on the terminal that is
// read, not to stderr, which under systemd is a journal stream that shows a
// line only once it ends (the question would stay invisible until the timeout).
void say(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

}  // namespace

std::optional<bool> ask_yes_no(const std::string& question, int seconds) {
  int fd = ::isatty(0) ? 0 : ::open("/dev/console", O_RDWR | O_CLOEXEC | O_NOCTTY);
  int out = fd == 0 ? (::isatty(2) ? 2 : 1) : fd;  // stdin's terminal: answer beside it
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
    char countdown[32];
    std::snprintf(countdown, sizeof countdown, " [y/n] (%2d s) ", static_cast<int>(left + 0.999));
    say(out, "\r" + question + countdown);
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
  say(out, "\n");
  if (fd > 0) ::close(fd);
  return answer;
}

}  // namespace mdguard
