// A user key for one PIV slot of one token (seed 000 claim 6; issue 15):
// a P-256 key pair generated in the CMS's HSM (session objects, the private
// key extractable only to be wrapped), its certificate signed by the CA
// (not yet stored: the caller stores it in its own transaction with
// CaService::StoreIssued), and the private key wrapped to the token's F0
// with CKM_ECDH_AES_KEY_WRAP, the shared data binding the token serial, the
// slot and the request ID ("TSW1" | serial | slot | request ID; X9.63 KDF
// with SHA-256, AES-256 KEK), encoded as a key package (common/piv/
// key_package.hpp). The token unwraps it only into that slot.
//
// The binding delivers slot 9C (profile user-signature); the activation
// slot 9A (piv-authentication). Errors: the HSM's and the CA's; nothing is
// stored. Internal to services/cms. The lease's thread.
#pragma once

#include <cstdint>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "services/ca/ca_service.hpp"
#include "services/ca/hsm_pool.hpp"
#include "services/cms/eform.hpp"

namespace tessera::cms {

inline constexpr std::uint8_t kSlot9A = 0x9A;  // PIV Authentication (SP 800-73-4 Part 1 Table 4b)
inline constexpr std::uint8_t kSlot9C = 0x9C;  // PIV Digital Signature

struct KeyDeliveryRequest {
  std::uint8_t slot = kSlot9C;
  Bytes token_key;  // F0, SubjectPublicKeyInfo DER (the inventory's)
  std::uint32_t token_serial = 0;
  Bytes context;              // the request ID's 16 bytes
  ca::KeyIssueRequest issue;  // everything but public_key, which is the new key's
};

struct KeyDelivery {
  ca::PreparedCertificate certificate;
  Bytes key_package;  // piv::EncodeKeyPackage
};

// The certificate request for a user's key on a token: subject
// CN=<name>, O=<organization>, UID=<id>, the e-mail as subjectAltName, and
// the user ID and token serial recorded with it, so that
// directory::UnrevokedCertificatesOfToken finds it and revoking the token
// (lost, superseded) revokes it.
ca::KeyIssueRequest UserKeyIssue(const std::string& ca, const std::string& profile,
                                 const EformUser& user, std::uint32_t token_serial);

Result<KeyDelivery> MakeKeyDelivery(ca::HsmPool::Lease& lease, ca::CaService& ca,
                                    const ca::Actor& actor, KeyDeliveryRequest request);

}  // namespace tessera::cms
