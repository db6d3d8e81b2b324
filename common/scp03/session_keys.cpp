#include "common/scp03/session_keys.hpp"

#include <string>

namespace tessera::scp03 {
namespace {

Status CheckContext(ByteView context) {
  // host challenge || card challenge, 8 + 8 (S8) or 16 + 16 (S16).
  if (context.size() != 16 && context.size() != 32) {
    return Status::WrongLength("SCP03 context must be host || card challenge (16 or 32 bytes)");
  }
  return Status::Ok();
}

std::uint16_t Bits(Mode mode) { return static_cast<std::uint16_t>(Len(mode) * 8); }

}  // namespace

Result<Mode> ModeForChallengeLength(std::size_t length) {
  if (length == Len(Mode::kS8)) return Mode::kS8;
  if (length == Len(Mode::kS16)) return Mode::kS16;
  return Status::WrongLength("SCP03 challenge must be 8 (S8) or 16 (S16) bytes, not " +
                             std::to_string(length));
}

// Amd D §6.2.1: S-ENC from K-ENC, S-MAC and S-RMAC from K-MAC. S-DEK is
// Tessera's and made elsewhere (key_set.hpp SessionDekFromStatic).
Result<SessionKeys> DeriveSessionKeys(const StaticKeys& keys, ByteView context,
                                      std::uint16_t key_bits) {
  if (key_bits != 128 && key_bits != 192 && key_bits != 256) {
    return Status::InvalidArgument("SCP03 session keys must be 128, 192 or 256 bits");
  }
  TESSERA_RETURN_IF_ERROR(CheckContext(context));
  if (!keys.enc || !keys.mac) {
    return Status::InvalidArgument("SCP03 static key set is incomplete");
  }
  SessionKeys out;
  TESSERA_ASSIGN_OR_RETURN(out.enc, Kdf(keys.enc, kSessionEnc, key_bits, context));
  TESSERA_ASSIGN_OR_RETURN(out.mac, Kdf(keys.mac, kSessionMac, key_bits, context));
  TESSERA_ASSIGN_OR_RETURN(out.rmac, Kdf(keys.mac, kSessionRmac, key_bits, context));
  return out;
}

// Amd D §6.2.2.2 (card) and §6.2.2.3 (host).
Result<Bytes> Cryptogram(ByteView s_mac, std::uint8_t constant, Mode mode, ByteView context) {
  if (constant != kCardCryptogram && constant != kHostCryptogram) {
    return Status::InvalidArgument("cryptogram constant must be 00 (card) or 01 (host)");
  }
  TESSERA_RETURN_IF_ERROR(CheckContext(context));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes c, Kdf(CmacPrf(s_mac), constant, Bits(mode), context));
  return Bytes(c.view().begin(), c.view().end());
}

Result<Bytes> PseudoRandomCardChallenge(const Prf& k_enc, ByteView sequence_counter, ByteView aid,
                                        Mode mode) {
  if (sequence_counter.size() != 3) {
    return Status::WrongLength("SCP03 sequence counter must be 3 bytes");
  }
  if (aid.size() < 5 || aid.size() > 16) {
    return Status::WrongLength("AID must be 5..16 bytes");  // ISO 7816-5
  }
  Bytes context = Concat({sequence_counter, aid});
  TESSERA_ASSIGN_OR_RETURN(SecureBytes c, Kdf(k_enc, kCardChallenge, Bits(mode), context));
  return Bytes(c.view().begin(), c.view().end());
}

}  // namespace tessera::scp03
