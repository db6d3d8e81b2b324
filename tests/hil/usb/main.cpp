// The USB hardware-in-the-loop tests run under umockdev's preload library,
// which redirects /sys and /dev into the testbed and forwards usbfs ioctls to
// the test's handler. main() re-executes the binary with it preloaded, so
// that ctest and a developer can both just run the binary.
//
// Preload order matters under AddressSanitizer: ASan must come first in the
// initial library list or it aborts ("ASan runtime does not come first").
// The ASan runtime this binary already loaded is therefore put before
// libumockdev-preload.so.0 in LD_PRELOAD; ASan's interceptors then find
// umockdev's (RTLD_NEXT) before libc's.
#include <gtest/gtest.h>
#include <link.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace {

constexpr const char* kPreload = "libumockdev-preload.so.0";

int FindSanitizer(dl_phdr_info* info, size_t, void* out) {
  const char* name = info->dlpi_name;
  if (name != nullptr &&
      (std::strstr(name, "libasan.so") != nullptr || std::strstr(name, "libtsan.so") != nullptr)) {
    *static_cast<std::string*>(out) = name;
    return 1;
  }
  return 0;
}

void ReexecUnderUmockdev(char** argv) {
  const char* current = std::getenv("LD_PRELOAD");
  if (current != nullptr && std::strstr(current, "libumockdev-preload") != nullptr) return;
  if (std::getenv("TESSERA_UMOCKDEV_REEXEC") != nullptr) return;  // no loops
  std::string sanitizer;
  dl_iterate_phdr(FindSanitizer, &sanitizer);
  std::string preload = sanitizer.empty() ? kPreload : sanitizer + ":" + kPreload;
  if (current != nullptr && *current != '\0') preload += std::string(":") + current;
  setenv("LD_PRELOAD", preload.c_str(), 1);
  setenv("TESSERA_UMOCKDEV_REEXEC", "1", 1);
  execv("/proc/self/exe", argv);
  std::perror("re-executing under libumockdev-preload");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  ReexecUnderUmockdev(argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
