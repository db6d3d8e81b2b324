// CardManagerClient's secure channel half: INITIALIZE UPDATE, EXTERNAL
// AUTHENTICATE (GP Amd D §7.1, §7.2) and the commands sent inside it.
#include <openssl/rand.h>

#include "common/card_manager_constants.hpp"
#include "common/ossl.hpp"
#include "host/card/card_manager_client.hpp"
#include "host/card/sw_status.hpp"

namespace tessera::host {
namespace {

constexpr std::uint8_t kScp03 = 0x03;
constexpr std::size_t kDiversificationDataLength = 10;
constexpr std::size_t kSequenceCounterLength = 3;
// PUT KEY of the issuer key (GPC Amendment F, PK.CA-KLOC.ECDSA): the key parameter reference
// tag and the P-256 curve identifier.
constexpr std::size_t kIssuerPointLength = 65;
constexpr std::uint8_t kKeyParameters = 0xF0;
constexpr std::uint8_t kCurveP256 = 0x00;

CommandApdu Command(std::uint8_t ins, std::uint8_t p1, std::uint8_t p2, Bytes data = {}) {
  CommandApdu apdu;
  apdu.cla = cm::kClaGp;
  apdu.ins = ins;
  apdu.p1 = p1;
  apdu.p2 = p2;
  apdu.data = std::move(data);
  apdu.le = kShortMaxLe;
  return apdu;
}

struct InitializeUpdateAnswer {
  std::uint8_t kvn = 0;
  Bytes card_challenge;
  Bytes card_cryptogram;
};

Result<InitializeUpdateAnswer> ParseInitializeUpdate(ByteView answer, scp03::Mode mode) {
  const std::size_t n = scp03::Len(mode);
  if (answer.size() != kDiversificationDataLength + 3 + 2 * n + kSequenceCounterLength) {
    return Status::InvalidArgument("INITIALIZE UPDATE: answer has the wrong length");
  }
  ByteView key_info = answer.subspan(kDiversificationDataLength, 3);
  if (key_info[1] != kScp03) {
    return Status::FunctionNotSupported("INITIALIZE UPDATE: the card does not offer SCP03");
  }
  InitializeUpdateAnswer out;
  out.kvn = key_info[0];
  ByteView rest = answer.subspan(kDiversificationDataLength + 3);
  out.card_challenge.assign(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(n));
  out.card_cryptogram.assign(rest.begin() + static_cast<std::ptrdiff_t>(n),
                             rest.begin() + static_cast<std::ptrdiff_t>(2 * n));
  return out;
}

}  // namespace

Status CardManagerClient::OpenChannel(std::uint8_t kvn, const scp03::StaticKeys& keys,
                                      std::uint8_t level, scp03::Mode mode) {
  secure_.reset();
  if (!scp03::IsValidSecurityLevel(level)) {
    return Status::InvalidArgument("secure channel: unsupported security level");
  }
  Bytes host_challenge(scp03::Len(mode));
  if (RAND_bytes(host_challenge.data(), static_cast<int>(host_challenge.size())) != 1) {
    return ossl::Error("RAND_bytes");
  }
  TESSERA_ASSIGN_OR_RETURN(
      ResponseApdu init,
      channel_.Transmit(Command(cm::ins::kInitializeUpdate, kvn, 0x00, host_challenge)));
  TESSERA_RETURN_IF_ERROR(SwToStatus(init.sw, "INITIALIZE UPDATE"));
  TESSERA_ASSIGN_OR_RETURN(InitializeUpdateAnswer parsed, ParseInitializeUpdate(init.data, mode));
  if (kvn != 0 && parsed.kvn != kvn) {
    return Status::SecurityStatus("INITIALIZE UPDATE: the card answered for another key version");
  }

  Bytes context = host_challenge;
  context.insert(context.end(), parsed.card_challenge.begin(), parsed.card_challenge.end());
  TESSERA_ASSIGN_OR_RETURN(scp03::SessionKeys session, scp03::DeriveSessionKeys(keys, context));
  TESSERA_ASSIGN_OR_RETURN(
      Bytes expected, scp03::Cryptogram(session.mac.view(), scp03::kCardCryptogram, mode, context));
  if (!ConstantTimeEqual(expected, parsed.card_cryptogram)) {
    return Status::SecurityStatus(
        "secure channel: the card cryptogram is wrong (the card holds other keys for this "
        "version)");
  }
  TESSERA_ASSIGN_OR_RETURN(
      Bytes host_cryptogram,
      scp03::Cryptogram(session.mac.view(), scp03::kHostCryptogram, mode, context));

  scp03::SecureChannel secure(std::move(session), mode);
  CommandApdu auth = Command(cm::ins::kExternalAuthenticate, level, 0x00, host_cryptogram);
  auth.le.reset();
  TESSERA_ASSIGN_OR_RETURN(CommandApdu wrapped, secure.WrapCommand(auth));
  TESSERA_ASSIGN_OR_RETURN(ResponseApdu answer, channel_.Transmit(wrapped));
  TESSERA_RETURN_IF_ERROR(SwToStatus(answer.sw, "EXTERNAL AUTHENTICATE"));
  secure.Activate(level);
  secure_.emplace(std::move(secure));
  context_ = std::move(context);
  return Status::Ok();
}

Result<Bytes> CardManagerClient::TransmitSecure(const CommandApdu& plain, const char* what) {
  if (!secure_) return Status::SecurityStatus(std::string(what) + ": no secure channel open");
  Result<CommandApdu> wrapped = secure_->WrapCommand(plain);
  if (!wrapped.ok()) {
    secure_.reset();
    return wrapped.status();
  }
  Result<ResponseApdu> answer = channel_.Transmit(*wrapped);
  if (!answer.ok()) {
    secure_.reset();
    return answer.status();
  }
  Result<ResponseApdu> unwrapped = secure_->UnwrapResponse(*answer);
  if (!unwrapped.ok()) {
    secure_.reset();
    return Status::SecurityStatus(std::string(what) + ": " + unwrapped.status().message());
  }
  if (unwrapped->sw != 0x9000) {
    secure_.reset();
    return SwToStatus(unwrapped->sw, what);
  }
  return std::move(unwrapped->data);
}

Result<Bytes> CardManagerClient::GetChallenge() {
  CommandApdu apdu = Command(cm::ins::kGetChallenge, 0x00, 0x00);
  apdu.le = cm::kUnlockChallengeLength;
  TESSERA_ASSIGN_OR_RETURN(Bytes challenge, TransmitSecure(apdu, "GET CHALLENGE"));
  if (challenge.size() != cm::kUnlockChallengeLength) {
    secure_.reset();
    return Status::InvalidArgument("GET CHALLENGE: not 16 bytes");
  }
  return challenge;
}

Status CardManagerClient::Unlock(std::uint8_t krk_kvn, ByteView response) {
  CommandApdu apdu =
      Command(cm::ins::kUnlock, krk_kvn, 0x00, Bytes(response.begin(), response.end()));
  apdu.le.reset();
  Status status = TransmitSecure(apdu, "UNLOCK").status();
  if (status.code() == Code::kPinIncorrect) {
    return Status::SecurityStatus("UNLOCK: the token refused the KRK response (wrong KRK); " +
                                  std::to_string(status.detail()) +
                                  " tries left before the KRK locks for good");
  }
  if (status.code() == Code::kAuthBlocked) {
    return Status::AuthBlocked(
        "UNLOCK: the token's KRK is locked for good; its MK can no "
        "longer be replaced");
  }
  return status;
}

Status CardManagerClient::DeleteMasterKey(std::uint8_t mk_kvn) {
  CommandApdu apdu =
      Command(cm::ins::kDeleteKey, 0x00, 0x00, Bytes{0xD0, 0x01, cm::kKeyIdMk, 0xD2, 0x01, mk_kvn});
  apdu.le.reset();
  return TransmitSecure(apdu, "DELETE KEY").status();
}

Status CardManagerClient::PutKeys(std::uint8_t p1, std::uint8_t p2, std::uint8_t new_kvn,
                                  const std::vector<PutKeyEntry>& keys) {
  Bytes data{new_kvn};
  Bytes expected{new_kvn};
  for (const PutKeyEntry& key : keys) {
    if (key.encrypted.size() != cm::kKeyLength || key.kcv.size() != 3) {
      return Status::InvalidArgument("PUT KEY: key data must be 32 bytes and a 3-byte KCV");
    }
    data.insert(data.end(), {cm::kKeyTypeAes, 0x21, 0x20});
    data.insert(data.end(), key.encrypted.begin(), key.encrypted.end());
    data.push_back(0x03);
    data.insert(data.end(), key.kcv.begin(), key.kcv.end());
    expected.insert(expected.end(), key.kcv.begin(), key.kcv.end());
  }
  Result<Bytes> answer =
      TransmitSecure(Command(cm::ins::kPutKey, p1, p2, std::move(data)), "PUT KEY");
  // The token closes the channel once its keys changed.
  secure_.reset();
  if (!answer.ok()) return answer.status();
  if (!ConstantTimeEqual(*answer, expected)) {
    return Status::SecurityStatus("PUT KEY: the card confirmed other key versions or check values");
  }
  return Status::Ok();
}

Status CardManagerClient::PutIssuerKey(ByteView point, std::uint8_t new_kvn, std::uint8_t old_kvn) {
  if (point.size() != kIssuerPointLength || point[0] != 0x04) {
    return Status::InvalidArgument("PUT KEY: the issuer key must be a P-256 point 04 || X || Y");
  }
  if (new_kvn < 0x01 || new_kvn > 0x7F || old_kvn > 0x7F) {
    return Status::InvalidArgument("PUT KEY: key versions are 01..7F");
  }
  // GP Amd F (PK.CA-KLOC.ECDSA): KVN, B0 <point>, F0 <curve 00 = P-256>, no
  // KCV.
  Bytes data{new_kvn, cm::kKeyTypeEccPublic, static_cast<std::uint8_t>(point.size())};
  data.insert(data.end(), point.begin(), point.end());
  data.insert(data.end(), {kKeyParameters, 0x01, kCurveP256, 0x00});
  TESSERA_ASSIGN_OR_RETURN(Bytes answer, TransmitSecure(Command(cm::ins::kPutKey, old_kvn,
                                                                cm::kKeyIdIssuer, std::move(data)),
                                                        "PUT KEY (issuer key)"));
  if (answer != Bytes{new_kvn}) {
    secure_.reset();
    return Status::SecurityStatus("PUT KEY (issuer key): the card confirmed another key version");
  }
  return Status::Ok();
}

Status CardManagerClient::Terminate() {
  CommandApdu apdu = Command(cm::ins::kSetStatus, 0x80, 0xFF);
  apdu.le.reset();
  Status status = TransmitSecure(apdu, "SET STATUS").status();
  secure_.reset();
  return status;
}

}  // namespace tessera::host
