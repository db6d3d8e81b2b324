// The HSM operations that bound seed 003's bulk runs (`tessera personalize`,
// `tessera mk-replace`), one raw PKCS#11 call sequence each, so that their
// rates are the HSM's own and not the adapter's.
//
// BoundKeys are made once in a fresh HSM token, shaped like the access
// server's (hsm/key_templates.cpp): the RSA-3072 cryptogram pair and an
// AES-256 block as private, sensitive token objects, and one cryptogram,
// RSA-OAEP(public key, R) of a 32-byte R, with SHA-1 like
// hsm/cryptogram.hpp. A BoundWorker is one thread's own
// session (an HsmToken: the logins after the first share the first) with its
// own session keys for CMAC and wrapping.
//
// Threads: BoundKeys is read-only once made; a BoundWorker is used by one
// thread at a time (PKCS#11 3.0 §5.6.1). The token that made the keys must
// stay open while workers run: closing the last session logs the user out.
#pragma once

#include <p11-kit/pkcs11.h>

#include <array>
#include <memory>
#include <string_view>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "hsm/attribute_template.hpp"
#include "hsm/hsm_token.hpp"
#include "hsm/pin_source.hpp"
#include "hsm/pkcs11_library.hpp"

namespace tessera::bench {

enum class BoundOp {
  kOaepDecrypt,  // C_Decrypt of the cryptogram: mk-replace, once per token
  kDerive,       // C_DeriveKey(CKM_AES_ECB_ENCRYPT_DATA) + C_DestroyObject
  kCmac,         // C_Sign(CKM_AES_CMAC) of 48 bytes
  kOaepEncrypt,  // C_Encrypt of R: personalization, once per token
  kWrap,         // C_WrapKey(CKM_AES_CBC, zero IV) of an AES-256 key: PUT KEY
  kRandom,       // C_GenerateRandom of 32 bytes: R, personalization
};

inline constexpr std::array<BoundOp, 6> kBoundOps = {BoundOp::kOaepDecrypt, BoundOp::kDerive,
                                                     BoundOp::kCmac,        BoundOp::kOaepEncrypt,
                                                     BoundOp::kWrap,        BoundOp::kRandom};

// "oaep-decrypt", "derive", "cmac", "oaep-encrypt", "wrap", "random".
std::string_view BoundOpName(BoundOp op);

struct BoundKeys {
  CK_OBJECT_HANDLE rsa_public = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE rsa_private = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE block = CK_INVALID_HANDLE;  // AES-256, CKA_DERIVE
  Bytes r;                                     // 32 random bytes
  Bytes cryptogram;                            // RSA-OAEP(rsa_public, r)

  // Generates the keys in `token` (logged in) and encrypts R.
  static Result<BoundKeys> Make(hsm::HsmToken& token);
};

class BoundWorker {
 public:
  // Opens a session on token `label`, makes its session keys, and runs each
  // operation once, checking its result (the decrypt gives back R).
  static Result<BoundWorker> Open(std::shared_ptr<const hsm::Pkcs11Library> library,
                                  std::string_view label, const hsm::PinSource& pin,
                                  const BoundKeys& keys);

  // One operation; errors name it, the PKCS#11 function and the CK_RV.
  Status Run(BoundOp op);

 private:
  BoundWorker(hsm::HsmToken token, const BoundKeys& keys, hsm::AttributeTemplate derived_template)
      : token_(std::move(token)), keys_(&keys), derived_template_(std::move(derived_template)) {}

  Status MakeSessionKeys();
  Status CheckOnce();
  Status OaepDecrypt();
  Status Derive();
  Status Cmac();
  Status OaepEncrypt();
  Status Wrap();
  Status Random();

  const CK_FUNCTION_LIST& fn() { return token_.session().library().functions(); }
  CK_SESSION_HANDLE session() { return token_.session().handle(); }

  hsm::HsmToken token_;
  const BoundKeys* keys_;
  hsm::AttributeTemplate derived_template_;  // made once: the loop times the HSM, not malloc
  CK_OBJECT_HANDLE mac_key_ = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE wrapping_key_ = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE wrapped_key_ = CK_INVALID_HANDLE;
  std::array<std::uint8_t, 512> out_{};  // every result fits: RSA-3072 is 384 bytes
  CK_ULONG out_len_ = 0;                 // length of the last result in out_
};

}  // namespace tessera::bench
