// SCP03 session keys and cryptograms (Amd D §6.2.1-§6.2.2.3).
//
// Static keys are given as PRFs (see kdf.hpp) so the host can keep them in
// an HSM; session keys come out as bytes, because they live in host memory
// for as long as the channel is open (DESIGN.md "The HSM adapter"). S-DEK is
// not among them: it must never reach host memory, so it is derived from
// K-DEK inside the HSM (key_set.hpp SessionDekFromStatic, docs/card-
// manager.md "Session keys"). Value types; thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/bytes.hpp"
#include "common/scp03/kdf.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"

namespace tessera::scp03 {

// S8: 8-byte challenges, cryptograms and MACs; S16: 16-byte ones (Amd D
// v1.1.2 S16 mode). The host picks the mode by its challenge's length.
enum class Mode : std::uint8_t { kS8 = 8, kS16 = 16 };
inline std::size_t Len(Mode mode) { return static_cast<std::size_t>(mode); }
// 8 -> kS8, 16 -> kS16, else kWrongLength.
Result<Mode> ModeForChallengeLength(std::size_t length);

// The static keys the channel is keyed from, as PRFs. K-DEK is not one:
// it only derives S-DEK, by AES-ECB rather than CMAC (key_set.hpp).
struct StaticKeys {
  Prf enc;
  Prf mac;
};

struct SessionKeys {
  SecureBytes enc;   // S-ENC, key_bits / 8 bytes (32 in Tessera)
  SecureBytes mac;   // S-MAC
  SecureBytes rmac;  // S-RMAC
};

// Session keys of `key_bits` (128, 192 or 256: the static keys' length;
// Tessera uses 256) for context = host || card challenge (16 or 32 bytes).
Result<SessionKeys> DeriveSessionKeys(const StaticKeys& keys, ByteView context,
                                      std::uint16_t key_bits = 256);
// Card cryptogram (constant 00) or host cryptogram (01) under S-MAC.
Result<Bytes> Cryptogram(ByteView s_mac, std::uint8_t constant, Mode mode, ByteView context);
// Amd D §6.2.2.1 pseudo-random card challenge: KDF(K-ENC, 02, L,
// sequence counter (3 bytes) || AID).
Result<Bytes> PseudoRandomCardChallenge(const Prf& k_enc, ByteView sequence_counter, ByteView aid,
                                        Mode mode);

}  // namespace tessera::scp03
