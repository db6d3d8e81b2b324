// Fuzzes the registration protocol's message codec
// (common/registration/messages.hpp), which the token, the gateway and the
// CLI all run on bytes from the other side. The first byte picks the
// decoder. Any input either fails cleanly or decodes into a message whose
// encoding is exactly the input (the codec accepts canonical forms only).
#include <algorithm>
#include <cstdlib>

#include "common/registration/messages.hpp"

namespace {

using namespace tessera;
using namespace tessera::registration;

template <typename Decode>
void Check(ByteView input, Decode decode) {
  auto decoded = decode(input);
  if (!decoded.ok()) return;
  const auto encoded = Encode(*decoded);
  ByteView again;
  if constexpr (std::is_same_v<std::decay_t<decltype(encoded)>, SecureBytes>) {
    again = encoded.view();
  } else {
    again = encoded;
  }
  if (!std::equal(input.begin(), input.end(), again.begin(), again.end())) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const ByteView input(data + 1, size - 1);
  switch (data[0] % 9) {
    case 0: Check(input, DecodeRegHello); break;
    case 1: Check(input, DecodeRegRequest); break;
    case 2: Check(input, DecodeRegAnswer); break;
    case 3: Check(input, DecodeRegConfirm); break;
    case 4: Check(input, DecodeAuthHello); break;
    case 5: Check(input, DecodeAuthChallenge); break;
    case 6: Check(input, DecodeAuthFinish); break;
    case 7: Check(input, DecodeRequestSecrets); break;
    default: Check(input, DecodeAnswerSecrets); break;
  }
  return 0;
}
