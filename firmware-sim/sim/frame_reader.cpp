#include "firmware-sim/sim/frame_reader.hpp"

#include "common/sim_socket_protocol.hpp"

namespace tessera::sim {

std::optional<Bytes> FrameReader::Next() {
  ByteView rest = ByteView(buffer_).subspan(consumed_);
  if (rest.size() < simsock::kLengthBytes) {
    Compact();
    return std::nullopt;
  }
  std::size_t length = GetU16(rest);
  if (rest.size() < simsock::kLengthBytes + length) {
    Compact();
    return std::nullopt;
  }
  ByteView payload = rest.subspan(simsock::kLengthBytes, length);
  Bytes out(payload.begin(), payload.end());
  consumed_ += simsock::kLengthBytes + length;
  return out;
}

void FrameReader::Compact() {
  // Drop returned frames so the buffer holds at most one partial frame.
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(consumed_));
  consumed_ = 0;
}

}  // namespace tessera::sim
