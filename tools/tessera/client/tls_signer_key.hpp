// SignerBackedKey: an OpenSSL key for a TLS client certificate whose private
// half is elsewhere (a token): OpenSSL holds the public key, and every
// signature it asks for goes to a TlsKeySigner.
//
// OpenSSL 3 on Debian 12 signs with such a key through a legacy EC_KEY with
// its own EC_KEY_METHOD: the method's sign_sig gets the digest TLS made
// (1.2's or 1.3's), hands it to the signer and returns its DER signature as
// an ECDSA_SIG. An EC_KEY whose method is not the default is a "foreign"
// key to OpenSSL 3, so its signatures take that legacy path, not a provider.
// EC keys only (P-256, P-384). The key owns a copy of the signer; it may be
// used by one handshake at a time.
#pragma once

#include "common/ossl.hpp"
#include "common/status.hpp"
#include "tools/tessera/client/https_client.hpp"

namespace tessera::cli {

// kInvalidArgument when the SPKI is not an EC key.
Result<ossl::PkeyPtr> SignerBackedKey(ByteView public_key_spki, TlsKeySigner signer);

}  // namespace tessera::cli
