// Test helper: runs a CipherStream over an input cut into parts of the given
// sizes (the last part takes what is left) and returns all its output, or
// the first Status. Checks along the way that each Update and the Finish stay
// within MaxUpdateOutput / MaxFinishOutput. Header-only; thread-safe.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "common/crypto/cipher_stream.hpp"

namespace tessera::crypto::testutil {

inline Result<SecureBytes> RunStream(const CipherSpec& spec, bool encrypt, ByteView input,
                                     const std::vector<std::size_t>& parts = {}) {
  TESSERA_ASSIGN_OR_RETURN(CipherStream stream, CipherStream::Start(spec, encrypt));
  SecureBytes out;
  std::size_t at = 0;
  auto feed = [&](std::size_t n) -> Status {
    std::size_t bound = stream.MaxUpdateOutput(n);
    TESSERA_ASSIGN_OR_RETURN(SecureBytes piece, stream.Update(input.subspan(at, n)));
    EXPECT_LE(piece.size(), bound) << "Update(" << n << ") at " << at;
    out.Append(piece.view());
    at += n;
    return Status::Ok();
  };
  for (std::size_t n : parts) TESSERA_RETURN_IF_ERROR(feed(std::min(n, input.size() - at)));
  TESSERA_RETURN_IF_ERROR(feed(input.size() - at));
  std::size_t bound = stream.MaxFinishOutput();
  TESSERA_ASSIGN_OR_RETURN(SecureBytes last, stream.Finish());
  EXPECT_LE(last.size(), bound) << "Finish";
  out.Append(last.view());
  return out;
}

inline CipherSpec Spec(CipherMode mode, ByteView key, ByteView iv = {}) {
  CipherSpec spec;
  spec.mode = mode;
  spec.key = key;
  spec.iv = iv;
  return spec;
}

}  // namespace tessera::crypto::testutil
