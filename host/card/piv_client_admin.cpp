// PivClient's administrative commands: IMPORT KEY, SET MANAGEMENT KEY and
// RESET (YubiKey PIV extensions, INS FE, FF and FB).
#include <openssl/core_names.h>
#include <openssl/rand.h>

#include "common/piv/key_material.hpp"
#include "common/piv/public_key.hpp"
#include "common/status_words.hpp"
#include "common/tlv.hpp"
#include "host/card/piv_client.hpp"
#include "host/card/sw_status.hpp"

namespace tessera::host {
namespace {

// A big-endian number left-padded to `width` bytes.
Result<SecureBytes> Fixed(EVP_PKEY* key, const char* param, std::size_t width) {
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr bn, piv::GetBnParam(key, param));
  SecureBytes out(width);
  if (BN_bn2binpad(bn.get(), out.data(), static_cast<int>(width)) < 0) {
    return Status::InvalidArgument("key component longer than the key size");
  }
  return out;
}

void AddTlv(SecureBytes& out, std::uint32_t tag, const SecureBytes& value) {
  Bytes tlv = EncodeTlv(tag, value.view());
  out.Append(tlv);
  OPENSSL_cleanse(tlv.data(), tlv.size());
}

// The IMPORT KEY data field: 01 p, 02 q, 03 dP, 04 dQ, 05 qInv for RSA;
// 06 the scalar for P-256/P-384; 07 (Ed25519) or 08 (X25519) the raw key.
Result<SecureBytes> ImportData(EVP_PKEY* key, piv::Algorithm alg) {
  SecureBytes out;
  if (piv::IsRsa(alg)) {
    const std::size_t half = piv::RsaBits(alg) / 16;
    const char* names[] = {OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2,
                           OSSL_PKEY_PARAM_RSA_EXPONENT1, OSSL_PKEY_PARAM_RSA_EXPONENT2,
                           OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
    for (std::uint32_t i = 0; i < 5; ++i) {
      TESSERA_ASSIGN_OR_RETURN(SecureBytes part, Fixed(key, names[i], half));
      AddTlv(out, i + 1, part);
    }
    return out;
  }
  if (const piv::Curve* curve = piv::CurveOf(alg)) {
    TESSERA_ASSIGN_OR_RETURN(SecureBytes d,
                             Fixed(key, OSSL_PKEY_PARAM_PRIV_KEY, curve->field_bytes));
    AddTlv(out, 0x06, d);
    return out;
  }
  SecureBytes raw(std::size_t{32});
  std::size_t len = raw.size();
  if (EVP_PKEY_get_raw_private_key(key, raw.data(), &len) != 1 || len != 32) {
    return Status::InvalidArgument("not a private Ed25519/X25519 key");
  }
  AddTlv(out, alg == piv::Algorithm::kEd25519 ? 0x07 : 0x08, raw);
  return out;
}

}  // namespace

Status PivClient::ImportKey(std::uint8_t slot, EVP_PKEY* key, piv::PinPolicy pin,
                            piv::TouchPolicy touch) {
  TESSERA_ASSIGN_OR_RETURN(piv::Algorithm alg, piv::AlgorithmOf(key));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes data, ImportData(key, alg));
  if (pin != piv::PinPolicy::kDefault) {
    AddTlv(data, 0xAA, SecureBytes(Bytes{static_cast<std::uint8_t>(pin)}));
  }
  if (touch != piv::TouchPolicy::kDefault) {
    AddTlv(data, 0xAB, SecureBytes(Bytes{static_cast<std::uint8_t>(touch)}));
  }
  CommandApdu c;
  c.ins = piv::ins::kImportKey;
  c.p1 = static_cast<std::uint8_t>(alg);
  c.p2 = slot;
  c.data = Bytes(data.view().begin(), data.view().end());
  auto r = Send(c);
  OPENSSL_cleanse(c.data.data(), c.data.size());
  if (!r.ok()) return r.status();
  return SwToStatus(r->sw, "IMPORT KEY");
}

Status PivClient::SetManagementKey(piv::Algorithm alg, ByteView key) {
  if (!piv::IsSymmetric(alg) || piv::SymmetricKeySize(alg) != key.size()) {
    return Status::InvalidArgument("management key length does not fit its algorithm");
  }
  CommandApdu c;
  c.ins = piv::ins::kSetManagementKey;
  c.p1 = 0xFF;
  c.p2 = 0xFF;
  c.data.reserve(3 + key.size());
  c.data.push_back(static_cast<std::uint8_t>(alg));
  c.data.push_back(piv::key::kManagement);
  c.data.push_back(static_cast<std::uint8_t>(key.size()));
  Append(c.data, key);
  auto r = Send(c);
  OPENSSL_cleanse(c.data.data(), c.data.size());
  if (!r.ok()) return r.status();
  return SwToStatus(r->sw, "SET MANAGEMENT KEY");
}

Status PivClient::Reset() {
  CommandApdu c;
  c.ins = piv::ins::kReset;
  TESSERA_ASSIGN_OR_RETURN(ResponseApdu r, Send(c));
  return SwToStatus(r.sw, "RESET");
}

Status PivClient::BlockPinAndPuk() {
  // Wrong values: random, so a real PIN is never guessed by accident.
  Bytes wrong(8);
  constexpr int kMaxTries = 256;  // a card that never blocks is broken
  for (std::uint8_t ref : {piv::key::kPin, piv::key::kPuk}) {
    for (int i = 0;; ++i) {
      if (i == kMaxTries) return Status::IoError("the card never blocked its PIN");
      if (RAND_bytes(wrong.data(), static_cast<int>(wrong.size())) != 1) {
        return Status::Internal("no random bytes");
      }
      for (auto& b : wrong) b = static_cast<std::uint8_t>('0' + b % 10);
      CommandApdu c;
      // RESET RETRY COUNTER names the PIN (80) it resets, and checks the
      // PUK given with it (SP 800-73-4 Part 2 §3.2.3).
      c.p2 = piv::key::kPin;
      if (ref == piv::key::kPin) {
        c.ins = piv::ins::kVerify;
        c.data = wrong;
      } else {
        c.ins = piv::ins::kResetRetryCounter;
        c.data.reserve(2 * wrong.size());
        Append(c.data, wrong);
        Append(c.data, wrong);
      }
      TESSERA_ASSIGN_OR_RETURN(ResponseApdu r, Send(c));
      if (r.sw == sw::kAuthMethodBlocked) break;  // blocked
      if (r.sw == 0x9000) continue;               // guessed right by chance: keep going
      if ((r.sw & 0xFFF0) != sw::kPinTriesLeft) return SwToStatus(r.sw, "blocking the PIN");
    }
  }
  return Status::Ok();
}

}  // namespace tessera::host
