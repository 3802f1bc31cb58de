// SPDX-License-Identifier: GPL-2.0-or-later
#include "os/md_kernel.h"

#include <fcntl.h>
#include <linux/major.h>  // MD_MAJOR, which md_u.h uses without including
#include <linux/raid/md_u.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "os/device_scan.h"
#include "os/file_io.h"

namespace mdguard {
namespace {

Error sys_error(const std::string& what) {
  return make_error("kernel-error", what + ": " + std::strerror(errno));
}

// Asks md to create the device. The kernel answers EEXIST when an md device
// of that name exists (running, inactive, or empty): someone else's, which
// mdguard leaves alone.
Result<bool> create_md_device(const System& sys, const std::string& name) {
  if (sys.exists("/sys/block/" + name))
    return make_error("md-device-in-use",
                      name + " exists already; mdguard touches no md device it did not create");
  std::string param = sys.path("/sys/module/md_mod/parameters/new_array");
  if (!write_file(param, name)) {
    if (errno == EEXIST)
      return make_error("md-device-in-use",
                        name + " exists already; mdguard touches no md device it did not create");
    return sys_error("cannot create " + name + " through " + param);
  }
  if (!sys.exists("/sys/block/" + name))
    return make_error("kernel-error", "the kernel did not create " + name);
  return true;
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Result<bool> run_ioctls(int fd, const StartRequest& req) {
  mdu_array_info_t info;
  std::memset(&info, 0, sizeof info);
  info.major_version = req.major_version;
  info.minor_version = req.minor_version;
  if (::ioctl(fd, SET_ARRAY_INFO, &info) != 0) return sys_error("SET_ARRAY_INFO");
  for (const StartMember& m : req.members) {
    mdu_disk_info_t disk;
    std::memset(&disk, 0, sizeof disk);
    disk.major = static_cast<int>(m.major);
    disk.minor = static_cast<int>(m.minor);
    if (::ioctl(fd, ADD_NEW_DISK, &disk) != 0) return sys_error("ADD_NEW_DISK " + m.path);
  }
  if (::ioctl(fd, RUN_ARRAY, nullptr) != 0) return sys_error("RUN_ARRAY");
  return true;
}

// /dev/md/root -> ../md127, as udev's md rules would make it. An existing
// /dev/md/NAME is someone else's: it is left as it is.
void make_link(const System& sys, const std::string& link, StartedArray& out) {
  ::mkdir(sys.path("/dev/md").c_str(), 0755);
  std::string target = "../" + out.kernel_name;
  std::string path = sys.path(link);
  if (::symlink(target.c_str(), path.c_str()) == 0) {
    out.links.push_back(link);
    return;
  }
  if (errno == EEXIST) {
    char buf[256];
    ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
    if (n > 0 && std::string(buf, static_cast<size_t>(n)) == target) {
      out.links.push_back(link);  // udev made it first
      return;
    }
  }
  out.link_problem = link + " not made: " + std::strerror(errno);
}

}  // namespace

bool ensure_block_node(const System& sys, const std::string& devnode, uint32_t major,
                       uint32_t minor) {
  struct stat st {};
  std::string p = sys.path(devnode);
  if (::stat(p.c_str(), &st) == 0) return S_ISBLK(st.st_mode);
  return ::mknod(p.c_str(), S_IFBLK | 0600, makedev(major, minor)) == 0;
}

Result<StartedArray> start_array(const System& sys, const StartRequest& req) {
  StartedArray out;
  out.kernel_name = req.kernel_name;
  out.devnode = "/dev/" + out.kernel_name;
  for (const StartMember& m : req.members)
    if (!ensure_block_node(sys, m.path, m.major, m.minor))
      return sys_error("cannot create " + m.path);
  if (auto made = create_md_device(sys, out.kernel_name); !made) return made.error();
  // From here on the md device is this run's own.
  uint32_t major = 0, minor = 0;
  auto dev = sys.read_line("/sys/block/" + out.kernel_name + "/dev");
  if (!dev || !parse_devnum(*dev, major, minor))
    return make_error("kernel-error", "no device number for " + out.kernel_name);
  if (!ensure_block_node(sys, out.devnode, major, minor))
    return sys_error("cannot create " + out.devnode);

  Fd fd;
  fd.fd = ::open(sys.path(out.devnode).c_str(), O_RDWR | O_CLOEXEC);
  if (fd.fd < 0) return sys_error("cannot open " + out.devnode);
  if (auto ran = run_ioctls(fd.fd, req); !ran) {
    ::ioctl(fd.fd, STOP_ARRAY, nullptr);  // the device this call created, nothing else
    return ran.error();
  }
  if (!req.link.empty()) make_link(sys, req.link, out);
  return out;
}

}  // namespace mdguard
