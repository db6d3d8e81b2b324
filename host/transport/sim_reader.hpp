// SimReader: a tessera-sim token's socket seen as a reader. The socket
// exists exactly while the token is inserted (`tessera-sim ctl remove`
// unlinks it), so presence is a stat() and costs no round trip.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "host/transport/reader.hpp"
#include "host/transport/reader_source.hpp"

namespace tessera::host {

class SimReader final : public Reader {
 public:
  SimReader(std::filesystem::path socket, std::uint32_t serial);

  const std::string& key() const override { return key_; }
  ReaderKind kind() const override { return ReaderKind::kSim; }
  std::string Name() const override;
  CardState Card() override;
  Result<std::unique_ptr<Transport>> Connect() override;

  std::uint32_t serial() const { return serial_; }

 private:
  std::filesystem::path socket_;
  std::uint32_t serial_;
  std::string key_;
};

// The simulator's run directory as a ReaderSource: a reader per token
// socket there. Polled, since a socket appearing is not an event anyone
// sends; an unreadable or missing directory has no readers.
class SimReaderSource final : public ReaderSource {
 public:
  explicit SimReaderSource(std::filesystem::path run_dir) : run_dir_(std::move(run_dir)) {}
  std::vector<std::shared_ptr<Reader>> Scan() override;

 private:
  std::filesystem::path run_dir_;
};

}  // namespace tessera::host
