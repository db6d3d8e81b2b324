// Helpers for the key tests: reference AES arithmetic done with OpenSSL on
// the host, independent of the HSM and of common/scp03, and raw PKCS#11
// calls that plant known keys in a test token or look at attributes the
// adapter never reads. Test code only: known key values are fine here.
#pragma once

#include <p11-kit/pkcs11.h>

#include <cstdint>
#include <string>

#include "common/bytes.hpp"
#include "hsm/hsm_token.hpp"

namespace tessera::hsm::testing {

// AES-256-ECB of `data` (a multiple of 16 bytes), no padding.
Bytes ReferenceAesEcb(ByteView key, ByteView data);
// AES-CMAC (SP 800-38B), 16 bytes, with OpenSSL's EVP_MAC.
Bytes ReferenceCmac(ByteView key, ByteView data);
// First 3 bytes of AES-ECB(key, 16 x 01).
Bytes ReferenceKcv(ByteView key);

// A token secret key (AES, CKA_DERIVE, sensitive) with a known value and
// `label`, as GenerateVersion would make a block; returns its handle.
CK_OBJECT_HANDLE ImportBlock(HsmToken& token, const std::string& label, ByteView value);

// CK_RV of C_GetAttributeValue for one attribute (CKA_VALUE of a sensitive
// key: CKR_ATTRIBUTE_SENSITIVE), and a boolean attribute's value.
CK_RV ProbeAttribute(HsmToken& token, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);
bool BoolAttribute(HsmToken& token, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);

// Number of objects on the token visible to the session (token and session).
std::size_t CountObjects(HsmToken& token);

}  // namespace tessera::hsm::testing
