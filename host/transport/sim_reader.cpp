#include "host/transport/sim_reader.hpp"

#include <sys/stat.h>

#include "host/transport/sim_socket_transport.hpp"

namespace tessera::host {

const char* ReaderKindName(ReaderKind kind) {
  switch (kind) {
    case ReaderKind::kPcsc: return "pcsc";
    case ReaderKind::kUsb: return "usb";
    case ReaderKind::kSim: return "sim";
  }
  return "?";
}

SimReader::SimReader(std::filesystem::path socket, std::uint32_t serial)
    : socket_(std::move(socket)), serial_(serial), key_("sim:" + std::to_string(serial)) {}

std::string SimReader::Name() const { return "Tessera simulator " + std::to_string(serial_); }

CardState SimReader::Card() {
  // The socket is made anew on each insertion. Its inode alone may be
  // reused at once (ext4 does), so the change time in nanoseconds joins it.
  struct stat st {};
  if (::stat(socket_.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) return CardState{};
  const auto changed = static_cast<std::uint64_t>(st.st_ctim.tv_sec) * 1000000000U +
                       static_cast<std::uint64_t>(st.st_ctim.tv_nsec);
  return CardState{.present = true,
                   .generation = changed ^ (static_cast<std::uint64_t>(st.st_ino) << 40)};
}

Result<std::unique_ptr<Transport>> SimReader::Connect() {
  TESSERA_ASSIGN_OR_RETURN(auto transport, SimSocketTransport::Connect(socket_));
  return std::unique_ptr<Transport>(std::move(transport));
}

std::vector<std::shared_ptr<Reader>> SimReaderSource::Scan() {
  std::vector<std::shared_ptr<Reader>> readers;
  auto entries = ListSimSockets(run_dir_);
  if (!entries.ok()) return readers;  // an unreadable run directory simply has none
  for (SimSocketEntry& entry : *entries) {
    readers.push_back(std::make_shared<SimReader>(std::move(entry.path), entry.serial));
  }
  return readers;
}

}  // namespace tessera::host
