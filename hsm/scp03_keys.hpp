// The SCP03 side of a per-token key inside the HSM (docs/card-manager.md
// "SCP03 static keys from one base key", "Session keys", "Key check value",
// "UNLOCK", "PUT KEY").
//
// HsmStaticKeys derives K-ENC, K-MAC and K-DEK from a base key (the
// per-token MK, or the public factory transport key imported for the
// purpose) with CKM_AES_ECB_ENCRYPT_DATA over
// scp03::StaticKeyDerivationData(role), as session objects that are not
// extractable: K-ENC and K-MAC with CKA_SIGN only, handed out as
// scp03::StaticKeys whose PRFs are C_Sign with CKM_AES_CMAC; K-DEK with
// CKA_DERIVE only, for WrapForPutKey. The static keys never leave the HSM,
// and neither does the S-DEK derived from K-DEK: the host that opens the
// channel never holds a key that decrypts the keys it installs.
//
// Lifetime: the PRFs borrow the HsmStaticKeys's key handles and the
// HsmToken's session. They must not be called after either is destroyed,
// and the HsmToken must not be moved while they live. Keep the
// HsmStaticKeys until the channel's PUT KEY is wrapped. One thread at a
// time, the token's.
#pragma once

#include <p11-kit/pkcs11.h>

#include "common/bytes.hpp"
#include "common/scp03/session_keys.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "hsm/hsm_token.hpp"
#include "hsm/key_object.hpp"

namespace tessera::hsm {

class HsmStaticKeys {
 public:
  static Result<HsmStaticKeys> Derive(HsmToken& token, const KeyObject& base);
  // `base` is a PUBLIC 32-byte key (scp03::FactoryBaseKey()): it is imported
  // as a session key with CKA_DERIVE only, the static keys are derived from
  // it as above, and it is destroyed before this returns. kInvalidArgument
  // for another length.
  static Result<HsmStaticKeys> DeriveFromPublicBase(HsmToken& token, ByteView base);

  // PRFs over K-ENC and K-MAC; see the lifetime rule above.
  scp03::StaticKeys Prfs() const;
  // K-DEK (CKA_DERIVE only), from which WrapForPutKey derives S-DEK.
  const KeyObject& dek() const { return dek_; }

 private:
  HsmStaticKeys(HsmSession& session, KeyObject enc, KeyObject mac, KeyObject dek)
      : session_(&session), enc_(std::move(enc)), mac_(std::move(mac)), dek_(std::move(dek)) {}

  HsmSession* session_;  // borrowed from the HsmToken
  KeyObject enc_;
  KeyObject mac_;
  KeyObject dek_;
};

// AES-CMAC (NIST SP 800-38B) of `data` under `key`, inside the HSM: 16
// bytes. The UNLOCK response is Cmac(token, krk, scp03::UnlockMessage(..)).
Result<SecureBytes> Cmac(HsmToken& token, const KeyObject& key, ByteView data);

// GlobalPlatform AES key check value: the first 3 bytes of
// AES-ECB(key, 16 x 01), by C_Encrypt(CKM_AES_ECB) inside the HSM.
Result<Bytes> KeyCheckValue(HsmToken& token, const KeyObject& key);
Result<Bytes> KeyCheckValue(HsmToken& token, CK_OBJECT_HANDLE key, std::string_view what);

// PUT KEY key data for `key` (docs/card-manager.md "PUT KEY") in the channel
// keyed from `keys` (derived on `token`) whose context is `context` (host
// challenge || card challenge, 16 or 32 bytes; kInvalidArgument otherwise):
// S-DEK is derived inside the HSM by C_DeriveKey(CKM_AES_ECB_ENCRYPT_DATA)
// from K-DEK over scp03::SessionDekDerivationData(context), as a session key
// with CKA_WRAP only; `key` is wrapped with C_WrapKey(CKM_AES_CBC, zero IV),
// which is AES-CBC with a zero ICV and no padding: 32 bytes for an AES-256
// key; S-DEK is destroyed before this returns. `key` must be extractable (a
// per-token MK or KRK is).
struct PutKeyData {
  Bytes encrypted;  // 32 bytes
  Bytes kcv;        // 3 bytes
};
Result<PutKeyData> WrapForPutKey(HsmToken& token, const HsmStaticKeys& keys, ByteView context,
                                 const KeyObject& key);

}  // namespace tessera::hsm
