// PivToken: the PIV card in a slot as the module sees it: what the card says
// about itself, its objects (cached for one insertion), its logins, its writes
// and its private- and secret-key operations. It is the driver seam between
// the core and the card (OpenSC's sc_card_operations): the only thing in the
// module that builds a host::PivClient or knows a PIV tag.
//
// Each call takes the channel the slot opened for it; the slot holds its lock
// around every call, so PivToken itself is not thread-safe. Objects are read
// in stages, each at most once per insertion, to keep a cold start to the
// first signature within its APDU budget (docs/pkcs11-module.md): the four
// standard certificate containers and the key history first, GET METADATA
// only for key slots without a certificate and only when a search asks for
// keys, data containers only when a search may match data objects, the key
// package 5FFF20 only when a search may match it.
#pragma once

#include <cstdint>
#include <optional>

#include "common/ossl.hpp"
#include "common/piv/secret_keys.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "host/card/apdu_channel.hpp"
#include "host/card/piv_secret_keys.hpp"
#include "pkcs11/model/key_spec.hpp"
#include "pkcs11/model/mechanism.hpp"
#include "pkcs11/model/object.hpp"
#include "pkcs11/model/object_table.hpp"
#include "pkcs11/model/operation_engine.hpp"
#include "pkcs11/model/token_info.hpp"

namespace tessera::p11::piv {

// GENERAL AUTHENTICATE takes a RawOp's input in tag 81 (sign, decrypt) or
// 85 (key agreement).
using PrivateOp = RawOp;

// An operation with a card secret key (F5): a MAC made or checked, or
// AES-GCM one way or the other.
struct SecretOp {
  enum class Kind { kMac, kVerify, kGcmEncrypt, kGcmDecrypt };
  Kind kind = Kind::kMac;
  tessera::piv::secret::MacAlgorithm mac = tessera::piv::secret::MacAlgorithm::kAesCmac;
  std::size_t mac_length = 0;  // 0: the full MAC
  Bytes mac_value;             // kVerify: the MAC to check
  Bytes iv;
  Bytes aad;
  std::size_t tag_len = 16;
};

struct KeyPairHandles {
  ObjectHandle public_key = 0;
  ObjectHandle private_key = 0;
};

class PivToken {
 public:
  // SELECT the PIV application; kNotFound when the card has none.
  [[nodiscard]] static Status Select(host::ApduChannel& channel);

  // The token's description, read once (version, serial, PIN counter).
  [[nodiscard]] Result<TokenInfo> Describe(host::ApduChannel& channel);
  // The PIN counter as the last PIN command left it, when known.
  std::optional<TokenInfo> cached_info() const { return info_; }

  // Logins. A PIN outside 6..8 bytes is Fault::kPinLenRange and costs no
  // try; a wrong one is kPinIncorrect(tries left); a blocked one kAuthBlocked.
  [[nodiscard]] Status VerifyPin(host::ApduChannel& channel, ByteView pin);
  // The SO "PIN" is the management key in hex (the ykcs11 convention);
  // a wrong key is kPinIncorrect.
  [[nodiscard]] Status AuthenticateSo(host::ApduChannel& channel, ByteView so_pin);
  // Drops the PIN's security status (VERIFY P1=FF) and the write access.
  [[nodiscard]] Status Logout(host::ApduChannel& channel);
  [[nodiscard]] Status ChangePin(host::ApduChannel& channel, ByteView old_pin, ByteView new_pin);
  // Both keys in hex, the new one of the old one's algorithm.
  [[nodiscard]] Status ChangeManagementKey(host::ApduChannel& channel, ByteView old_hex,
                                           ByteView new_hex);
  // C_InitPIN: "<PUK>:<new PIN>", or only the new PIN to use the factory PUK.
  [[nodiscard]] Status InitPin(host::ApduChannel& channel, ByteView puk_and_pin);
  // C_InitToken: authenticates `so_pin`, blocks PIN and PUK, RESET.
  [[nodiscard]] Status Reset(host::ApduChannel& channel, ByteView so_pin);
  // PIV writes need the management key: the SO's login gave it, or, while it
  // is the factory default, a logged-in user gets it here (as ykcs11 does).
  [[nodiscard]] Status EnsureWriteAccess(host::ApduChannel& channel, bool user_logged_in);
  void ForgetWriteAccess() { write_access_ = false; }

  // Objects. Load reads what a search with `tmpl` could match and has not
  // been read yet; Settle reads the GET METADATA facts of a key object when
  // `wanted` names one of them.
  [[nodiscard]] Status Load(host::ApduChannel& channel, const Template& tmpl);
  [[nodiscard]] Status Settle(host::ApduChannel& channel, Object& object);
  static bool NeedsSettling(Attr attr);
  ObjectTable& objects() { return objects_; }
  // C_DestroyObject: certificates, secret keys and the key package, each
  // after EnsureWriteAccess; a PIV key cannot be deleted, only replaced, and
  // the PIV data containers stay (Fault::kActionProhibited, no APDU).
  [[nodiscard]] Status Destroy(host::ApduChannel& channel, ObjectHandle handle,
                               bool user_logged_in);

  // Writes (the caller ensured write access). `id` picks the PIV slot
  // (piv_key_slots.hpp); an unknown ID gets a free slot and keeps the ID.
  [[nodiscard]] Result<ObjectHandle> WriteCertificate(host::ApduChannel& channel, ByteView id,
                                                      ByteView label, ByteView der);
  [[nodiscard]] Result<ObjectHandle> ImportPrivateKey(host::ApduChannel& channel, ByteView id,
                                                      ByteView label, EVP_PKEY* key);
  // The one data object the card takes (piv_token_package.cpp): the Tessera
  // key package, CKA_APPLICATION "Tessera key package", into 5FFF20.
  // CheckDataObject needs no card: any other data object is
  // Fault::kTemplateInconsistent, a CKA_VALUE that is no key package
  // Fault::kAttributeValueInvalid. WriteDataObject also maps the card's
  // refusal (a package for another token: 6A80) to kAttributeValueInvalid,
  // and replaces a cached package object.
  [[nodiscard]] static Status CheckDataObject(const Object& probe);
  [[nodiscard]] Result<ObjectHandle> WriteDataObject(host::ApduChannel& channel,
                                                     const Object& probe);
  // RSA with e = 65537, P-256, P-384, Ed25519, X25519 (what PIV generates).
  [[nodiscard]] Result<KeyPairHandles> GenerateKeyPair(host::ApduChannel& channel, ByteView id,
                                                       ByteView label, const KeySpec& spec);

  // A private key's raw operation on the card.
  [[nodiscard]] Result<SecureBytes> PrivateKeyOperation(host::ApduChannel& channel,
                                                        ObjectHandle key, PrivateOp op,
                                                        ByteView input);

  // Lists the card's secret keys once per insertion: a new key's handle must
  // not change when a later search reads the list.
  [[nodiscard]] Status EnsureSecretKeysLoaded(host::ApduChannel& channel);
  // Secret keys on the card (piv_token_secret.cpp), in the module's terms:
  // the template gives the usage, label and ID (piv_secret_objects.hpp).
  // Each returns the new key's handle; the caller ensured write access where
  // PIV wants it (import, generation).
  [[nodiscard]] Result<ObjectHandle> ImportSecretKey(host::ApduChannel& channel,
                                                     const Template& tmpl, KeyType type,
                                                     ByteView value);
  [[nodiscard]] Result<ObjectHandle> GenerateSecretKey(host::ApduChannel& channel,
                                                       const Template& tmpl, KeyType type,
                                                       std::size_t length);
  // CKM_ECDH1_DERIVE (CKD_NULL) from a private key (a PIV slot's or F0) into
  // a card secret key of `length` bytes.
  [[nodiscard]] Result<ObjectHandle> DeriveFromPrivateKey(host::ApduChannel& channel,
                                                          ObjectHandle base, ByteView peer,
                                                          const Template& tmpl, KeyType type,
                                                          std::size_t length);
  // CKM_HKDF_DERIVE (SHA-256) from a card secret key, into the card or, for
  // a key with CKA_TESSERA_EXPORT_DERIVED, out to the host.
  [[nodiscard]] Result<ObjectHandle> DeriveFromSecretKey(host::ApduChannel& channel,
                                                         ObjectHandle base,
                                                         const HkdfParams& params,
                                                         const Template& tmpl, KeyType type,
                                                         std::size_t length);
  [[nodiscard]] Result<SecureBytes> HkdfToHost(host::ApduChannel& channel, ObjectHandle base,
                                               const HkdfParams& params, std::size_t length);
  [[nodiscard]] Result<SecureBytes> SecretOperation(host::ApduChannel& channel, ObjectHandle key,
                                                    const SecretOp& op, ByteView data);
  // C_UnwrapKey with CKM_ECDH_AES_KEY_WRAP and the token key F0: the card
  // opens `blob` and stores the key where its shared data binds it (F2).
  [[nodiscard]] Result<ObjectHandle> Unwrap(host::ApduChannel& channel, ObjectHandle unwrapping,
                                            const EcdhParams& params, ByteView blob,
                                            const Template& tmpl);

 private:
  // The card object of a secret key (Fault::kKeyHandleInvalid otherwise).
  Result<const Object*> SecretKey(ObjectHandle handle);
  ObjectHandle AddSecretKey(const host::SecretKeyInfo& info);
  // The F2 request for an unwrap the module was asked for.
  Result<host::UnwrapRequest> UnwrapRequestFor(const EcdhParams& params, ByteView blob,
                                               const Template& tmpl);
  // 5FFF20, once per insertion, when a search by `tmpl` may match it.
  [[nodiscard]] Status LoadKeyPackage(host::ApduChannel& channel, const Template& tmpl);
  [[nodiscard]] Status DestroyKeyPackage(host::ApduChannel& channel, ObjectHandle handle);
  // After F2 opened `blob`: drops the cached package object holding it, as
  // the card emptied 5FFF20.
  void ForgetOpenedPackage(ByteView blob);
  // Keys a search by `tmpl` needs that are not cached yet.
  [[nodiscard]] Status LoadKeys(host::ApduChannel& channel, const Template& tmpl);
  [[nodiscard]] Result<std::uint8_t> ChooseKeySlot(host::ApduChannel& channel, ByteView id,
                                                   bool for_certificate);
  [[nodiscard]] Status AddKeyObjects(std::uint8_t key_ref, EVP_PKEY* pub, ByteView id,
                                     ByteView label, bool generated, KeyPairHandles* handles);
  void NotePinResult(const Status& status);
  // Keeps the key history's count of retired certificates in step after a
  // certificate in `key_ref` was written or deleted.
  [[nodiscard]] Status SyncKeyHistory(host::ApduChannel& channel, std::uint8_t key_ref);

  ObjectTable objects_;
  bool certified_loaded_ = false;    // certificates and their key pairs
  bool keys_complete_ = false;       // also keys without certificates
  bool data_loaded_ = false;         // the public data containers
  bool package_loaded_ = false;      // the key package 5FFF20
  bool token_keys_loaded_ = false;   // F0, its attestation, the F9 certificate
  bool secret_keys_loaded_ = false;  // the secret-key slots
  bool write_access_ = false;        // management key authenticated
  std::optional<TokenInfo> info_;
};

}  // namespace tessera::p11::piv
