// The module's names for the shared digests (common/crypto/hash.hpp), so
// code under tessera::p11 keeps writing crypto::Hash. Declarations only.
#pragma once

#include "common/crypto/hash.hpp"

namespace tessera::p11::crypto {

using ::tessera::crypto::Digester;
using ::tessera::crypto::DigestInfo;
using ::tessera::crypto::DigestOnce;
using ::tessera::crypto::Hash;
using ::tessera::crypto::HashMd;
using ::tessera::crypto::HashName;
using ::tessera::crypto::HashSize;

}  // namespace tessera::p11::crypto
