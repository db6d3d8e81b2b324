// FrameReader: reassembles the socket protocol's length-prefixed frames
// (common/sim_socket_protocol.hpp) from whatever pieces a stream delivers.
//
// The 2-byte length caps a frame at 65537 bytes, and the reader holds at
// most what its owner fed it, so memory per client is bounded by the read
// size plus one frame. A half frame left by a client that goes away is
// discarded with its reader. One reader per client; not thread-safe.
#pragma once

#include <optional>

#include "common/bytes.hpp"

namespace tessera::sim {

class FrameReader {
 public:
  void Feed(ByteView data) { Append(buffer_, data); }
  // Payload of the next complete frame, or nullopt until one has arrived.
  std::optional<Bytes> Next();

 private:
  void Compact();

  Bytes buffer_;
  std::size_t consumed_ = 0;  // bytes of buffer_ already returned as frames
};

}  // namespace tessera::sim
