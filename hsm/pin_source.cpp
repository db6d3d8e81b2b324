#include "hsm/pin_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/unique_fd.hpp"

namespace tessera::hsm {
namespace {

// A PIN is short; anything past this is not a PIN file.
constexpr std::size_t kMaxPinFileBytes = 4096;

// Keeps the first line, without "\n" or "\r\n".
void KeepFirstLine(SecureBytes& pin) {
  std::size_t end = 0;
  while (end < pin.size() && pin[end] != '\n') ++end;
  if (end > 0 && pin[end - 1] == '\r') --end;
  pin.Resize(end);
}

Status CheckNotEmpty(const SecureBytes& pin, const std::string& where) {
  if (pin.empty()) return Status::InvalidArgument("the PIN in " + where + " is empty");
  return Status::Ok();
}

}  // namespace

PinSource PinSource::FromEnvironment(std::string variable) {
  return {Kind::kEnvironment, std::move(variable)};
}

PinSource PinSource::FromFile(const std::filesystem::path& path) {
  return {Kind::kFile, path.string()};
}

std::string PinSource::Describe() const {
  return (kind_ == Kind::kEnvironment ? "environment variable " : "file ") + where_;
}

Result<SecureBytes> PinSource::Read() const {
  return kind_ == Kind::kEnvironment ? ReadEnvironment() : ReadFile();
}

Result<SecureBytes> PinSource::ReadEnvironment() const {
  const char* value = std::getenv(where_.c_str());  // NOLINT(concurrency-mt-unsafe)
  if (value == nullptr) return Status::NotFound("no PIN: " + Describe() + " is not set");
  SecureBytes pin(ByteView(reinterpret_cast<const std::uint8_t*>(value), std::strlen(value)));
  TESSERA_RETURN_IF_ERROR(CheckNotEmpty(pin, Describe()));
  return pin;
}

Result<SecureBytes> PinSource::ReadFile() const {
  UniqueFd fd(::open(where_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) {
    const int err = errno;
    std::string msg = "cannot open PIN " + Describe() + ": " + std::strerror(err);
    if (err == ENOENT) return Status::NotFound(std::move(msg));
    return Status::IoError(std::move(msg));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return Status::IoError("cannot stat PIN " + Describe() + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument("PIN " + Describe() + " is not a file");
  // Like ssh with a private key: a secret others can read is already leaked.
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    (void)std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::SecurityStatus("PIN " + Describe() + " has mode " + mode +
                                  ": group and others must have no access (chmod 600)");
  }
  SecureBytes pin(kMaxPinFileBytes);
  std::size_t got = 0;
  while (got < pin.size()) {
    ssize_t n = ::read(fd.get(), pin.data() + got, pin.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return Status::IoError("cannot read PIN " + Describe() + ": " + std::strerror(errno));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  pin.Resize(got);
  KeepFirstLine(pin);
  TESSERA_RETURN_IF_ERROR(CheckNotEmpty(pin, Describe()));
  return pin;
}

}  // namespace tessera::hsm
