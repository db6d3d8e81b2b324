#include "common/scp03/secure_channel.hpp"

#include <utility>

#include "common/scp03/aes.hpp"
#include "common/scp03/kdf.hpp"

namespace tessera::scp03 {
namespace {

constexpr std::uint8_t kClaSecureMessaging = 0x04;
constexpr std::uint16_t kSwOk = 0x9000;

// Amd D §6.2.4: for the C-MAC the logical channel bits are zero, b4 is 0 and
// b3 is 1. For every CLA Tessera sends (80, 84, 00, 04) this is CLA | 04.
std::uint8_t MacCla(std::uint8_t cla) {
  return static_cast<std::uint8_t>((cla & 0xF0) | kClaSecureMessaging);
}

// True when CommandApdu::Serialize picks the extended encoding (ISO 7816-4
// §5.1), which is also what CommandApdu::Parse reports on the other side.
bool IsExtended(const CommandApdu& apdu) {
  return apdu.extended || apdu.data.size() > kShortMaxLc || (apdu.le && *apdu.le > kShortMaxLe);
}

// chaining value || CLA INS P1 P2 || Lc' || data', where Lc' counts data'
// and the MAC and is 3 bytes (00 hi lo) in an extended command.
Bytes CommandMacInput(ByteView chaining, const CommandApdu& header, ByteView data,
                      std::size_t mac_len, bool extended) {
  Bytes in(chaining.begin(), chaining.end());
  Append(in, {MacCla(header.cla), header.ins, header.p1, header.p2});
  std::size_t lc = data.size() + mac_len;
  if (extended) {
    in.push_back(0x00);
    PutU16(in, static_cast<std::uint16_t>(lc));
  } else {
    in.push_back(static_cast<std::uint8_t>(lc));
  }
  Append(in, data);
  return in;
}

// Amd D §6.2.6 (commands: the counter as 16 bytes big-endian) and §6.2.7
// (responses: the first byte set to 80), each encrypted under S-ENC.
Result<SecureBytes> Icv(ByteView s_enc, std::uint64_t counter, bool response) {
  Bytes block(kAesBlock - sizeof counter, 0x00);
  PutU64(block, counter);
  if (response) block[0] = 0x80;
  return AesEcbEncrypt(s_enc, block);
}

Result<Bytes> Encrypt(ByteView s_enc, std::uint64_t counter, bool response, ByteView plain) {
  TESSERA_ASSIGN_OR_RETURN(SecureBytes icv, Icv(s_enc, counter, response));
  SecureBytes padded = Pad80(plain);
  TESSERA_ASSIGN_OR_RETURN(SecureBytes c, AesCbcEncrypt(s_enc, icv.view(), padded.view()));
  return Bytes(c.view().begin(), c.view().end());
}

Result<Bytes> Decrypt(ByteView s_enc, std::uint64_t counter, bool response, ByteView cipher) {
  if (cipher.size() % kAesBlock != 0) {
    return Status::SecurityStatus("encrypted data is not a multiple of 16 bytes");
  }
  TESSERA_ASSIGN_OR_RETURN(SecureBytes icv, Icv(s_enc, counter, response));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes padded, AesCbcDecrypt(s_enc, icv.view(), cipher));
  TESSERA_ASSIGN_OR_RETURN(std::size_t len, Unpad80Length(padded.view()));
  return Bytes(padded.view().begin(), padded.view().begin() + static_cast<std::ptrdiff_t>(len));
}

// Amd D §6.2.5: the R-MAC input is the MAC chaining value (the full C-MAC of
// the command) || response data || SW1 SW2.
Result<SecureBytes> ResponseMac(ByteView s_rmac, ByteView chaining, ByteView data,
                                std::uint16_t sw) {
  Bytes in(chaining.begin(), chaining.end());
  Append(in, data);
  PutU16(in, sw);
  return AesCmac(s_rmac, in);
}

}  // namespace

bool IsValidSecurityLevel(std::uint8_t level) {
  switch (level) {
    case 0x01:
    case 0x03:
    case 0x11:
    case 0x13:
    case 0x33: return true;
    default: return false;
  }
}

SecureChannel::SecureChannel(SessionKeys keys, Mode mode)
    : keys_(std::move(keys)), mode_(mode), chaining_(kAesBlock) {}

void SecureChannel::Activate(std::uint8_t level) {
  level_ = level;
  counter_ = 1;
  activated_ = true;
}

bool SecureChannel::Has(std::uint8_t bits) const { return activated_ && (level_ & bits) != 0; }

Result<CommandApdu> SecureChannel::WrapCommand(const CommandApdu& plain) {
  const std::size_t mac_len = Len(mode_);
  Bytes data = plain.data;
  if (Has(kLevelCDec) && !plain.data.empty()) {  // Amd D §6.2.6
    TESSERA_ASSIGN_OR_RETURN(data, Encrypt(keys_.enc.view(), counter_, false, plain.data));
  }
  if (data.size() + mac_len > kExtendedMaxLc) {
    return Status::WrongLength("secured command data does not fit an extended Lc");
  }
  CommandApdu wrapped;
  wrapped.cla = static_cast<std::uint8_t>(plain.cla | kClaSecureMessaging);
  wrapped.ins = plain.ins;
  wrapped.p1 = plain.p1;
  wrapped.p2 = plain.p2;
  wrapped.extended = plain.extended || data.size() + mac_len > kShortMaxLc ||
                     (plain.le && *plain.le > kShortMaxLe);
  wrapped.le = plain.le;
  if (plain.le && Has(kLevelRMac | kLevelREnc)) {
    // The answer grows by the R-MAC and padding: ask for everything.
    wrapped.le = wrapped.extended ? kExtendedMaxLe : kShortMaxLe;
  }
  TESSERA_ASSIGN_OR_RETURN(
      SecureBytes mac, AesCmac(keys_.mac.view(), CommandMacInput(chaining_.view(), wrapped, data,
                                                                 mac_len, wrapped.extended)));
  wrapped.data = std::move(data);
  Append(wrapped.data, mac.view().first(mac_len));
  chaining_ = std::move(mac);
  return wrapped;
}

Result<CommandApdu> SecureChannel::UnwrapCommand(const CommandApdu& wrapped) {
  if ((wrapped.cla & kClaSecureMessaging) == 0) {
    return Status::SecurityStatus("command without secure messaging (CLA bit 04 clear)");
  }
  const std::size_t mac_len = Len(mode_);
  if (wrapped.data.size() < mac_len) {
    return Status::SecurityStatus("command data shorter than its C-MAC");
  }
  ByteView body = ByteView(wrapped.data).first(wrapped.data.size() - mac_len);
  ByteView received = ByteView(wrapped.data).last(mac_len);
  TESSERA_ASSIGN_OR_RETURN(
      SecureBytes mac, AesCmac(keys_.mac.view(), CommandMacInput(chaining_.view(), wrapped, body,
                                                                 mac_len, IsExtended(wrapped))));
  if (!ConstantTimeEqual(mac.view().first(mac_len), received)) {
    return Status::SecurityStatus("C-MAC does not verify (tampered, replayed or reordered)");
  }
  CommandApdu plain = wrapped;
  plain.cla = static_cast<std::uint8_t>(wrapped.cla & ~kClaSecureMessaging);
  plain.data.assign(body.begin(), body.end());
  if (Has(kLevelCDec) && !body.empty()) {
    TESSERA_ASSIGN_OR_RETURN(plain.data, Decrypt(keys_.enc.view(), counter_, false, body));
  }
  chaining_ = std::move(mac);
  return plain;
}

Result<ResponseApdu> SecureChannel::WrapResponse(ResponseApdu answer) {
  if (!activated_) {
    return Status::ConditionsNotSatisfied("no response wrapping before Activate()");
  }
  if (answer.sw != kSwOk) {
    // docs/card-manager.md protects 9000 answers only; Amd D §6.2.5 would
    // also R-MAC the 62xx/63xx warnings.
    ++counter_;
    return ResponseApdu{{}, answer.sw};
  }
  if (Has(kLevelREnc) && !answer.data.empty()) {  // Amd D §6.2.7
    TESSERA_ASSIGN_OR_RETURN(answer.data, Encrypt(keys_.enc.view(), counter_, true, answer.data));
  }
  if (Has(kLevelRMac)) {
    TESSERA_ASSIGN_OR_RETURN(
        SecureBytes rmac, ResponseMac(keys_.rmac.view(), chaining_.view(), answer.data, answer.sw));
    Append(answer.data, rmac.view().first(Len(mode_)));
  }
  ++counter_;
  return answer;
}

Result<ResponseApdu> SecureChannel::UnwrapResponse(const ResponseApdu& answer) {
  if (!activated_) {
    return Status::ConditionsNotSatisfied("no response unwrapping before Activate()");
  }
  if (answer.sw != kSwOk) {
    ++counter_;
    return ResponseApdu{{}, answer.sw};
  }
  ByteView body = answer.data;
  if (Has(kLevelRMac)) {
    const std::size_t mac_len = Len(mode_);
    if (body.size() < mac_len) return Status::SecurityStatus("answer shorter than its R-MAC");
    ByteView received = body.last(mac_len);
    body = body.first(body.size() - mac_len);
    TESSERA_ASSIGN_OR_RETURN(SecureBytes rmac,
                             ResponseMac(keys_.rmac.view(), chaining_.view(), body, answer.sw));
    if (!ConstantTimeEqual(rmac.view().first(mac_len), received)) {
      return Status::SecurityStatus("R-MAC does not verify");
    }
  }
  ResponseApdu plain{Bytes(body.begin(), body.end()), answer.sw};
  if (Has(kLevelREnc) && !body.empty()) {
    TESSERA_ASSIGN_OR_RETURN(plain.data, Decrypt(keys_.enc.view(), counter_, true, body));
  }
  ++counter_;
  return plain;
}

}  // namespace tessera::scp03
