// The attribute templates of every key the adapter makes, in one place, so
// the key policy (docs/hsm-adapter.md "Objects") reads as one table.
//
// Long-term keys (blocks, the cryptogram key pair) are token objects,
// private, sensitive and not modifiable. On the key-management HSM they are
// extractable, only so that they can leave wrapped under the KEK; on the
// access-server HSM they are not, so nothing can take them out of it again.
// Per-token keys and the keys derived or imported for one job are session
// objects and die with the session. Every template states each usage flag
// (true or false) instead of trusting an HSM's defaults. Stateless.
#pragma once

#include <p11-kit/pkcs11.h>

#include <string_view>

#include "common/bytes.hpp"
#include "hsm/attribute_template.hpp"

namespace tessera::hsm {

// Where a long-term key lives (DESIGN.md "The HSM adapter").
enum class Residence {
  kKeyManagement,  // HSM2: generated there, extractable so it can be wrapped
  kAccessServer,   // HSM1: unwrapped there, never extractable again
};

inline constexpr CK_ULONG kAesKeyBytes = 32;  // AES-256 everywhere
inline constexpr CK_ULONG kRsaBits = 3072;

// MK and KRK data blocks (AES-256, CKA_DERIVE only). Add CKA_VALUE_LEN for
// C_GenerateKey, CKA_VALUE for C_CreateObject.
AttributeTemplate BlockTemplate(std::string_view label, Residence residence);
// The cryptogram key pair. The public template has no size: add
// CKA_MODULUS_BITS and CKA_PUBLIC_EXPONENT to generate, CKA_MODULUS and
// CKA_PUBLIC_EXPONENT to import.
AttributeTemplate CryptogramPublicTemplate(std::string_view label);
AttributeTemplate CryptogramPrivateTemplate(std::string_view label, Residence residence);

// The access server's transport pair (CKA_UNWRAP only on the private key).
AttributeTemplate TransportPublicTemplate(std::string_view label, bool token);
AttributeTemplate TransportPrivateTemplate(std::string_view label);
// The KEK on the key-management HSM (token, CKA_WRAP only, extractable so the
// transport key can carry it) and on the access server (session, CKA_UNWRAP).
AttributeTemplate KekSourceTemplate(std::string_view label);
AttributeTemplate KekDestinationTemplate();

// A per-token MK or KRK derived in the HSM: sensitive but extractable (it
// leaves only by C_WrapKey into PUT KEY), CKA_SIGN (CMAC), CKA_ENCRYPT (key
// check value), CKA_DERIVE (SCP03 static keys).
AttributeTemplate PerTokenKeyTemplate();
// An SCP03 static key K-ENC or K-MAC: CKA_SIGN (CMAC) only, not extractable.
AttributeTemplate StaticKeyTemplate();
// The SCP03 K-DEK: CKA_DERIVE (S-DEK) only, not extractable.
AttributeTemplate StaticDekTemplate();
// A public base key given by value (the factory transport key), from which
// the static keys are derived: CKA_DERIVE only.
AttributeTemplate PublicBaseKeyTemplate(ByteView value);
// A session S-DEK derived from K-DEK for one PUT KEY wrap: CKA_WRAP only,
// sensitive, not extractable.
AttributeTemplate SessionDekTemplate();
// A throw-away key for a block check value: CKA_ENCRYPT only.
AttributeTemplate CheckKeyTemplate();

// Key delivery to a token (token_key_wrap.hpp); all session objects. The
// user's EC pair: the public half CKA_VERIFY only, the private half CKA_SIGN
// only, sensitive and extractable (it leaves only by C_WrapKey).
AttributeTemplate DeliverablePublicTemplate(ByteView curve_params);
AttributeTemplate DeliverablePrivateTemplate();
// The ephemeral ECDH pair when the HSM derives the KEK: CKA_DERIVE only.
AttributeTemplate EphemeralPublicTemplate(ByteView curve_params);
AttributeTemplate EphemeralPrivateTemplate();
// The token's public key given by value, for CKM_ECDH_AES_KEY_WRAP: CKA_WRAP only.
AttributeTemplate TokenPublicKeyTemplate(ByteView curve_params, ByteView ec_point_der);
// The KEK of one delivery: AES, CKA_WRAP only, not extractable. Add
// CKA_VALUE_LEN to derive it, CKA_VALUE to import it.
AttributeTemplate DeliveryKekTemplate();

}  // namespace tessera::hsm
