// Certificates and signatures the CLI client tests make with OpenSSL: a
// certificate that carries a given key, ECDSA's r || s as DER, and a TLS
// client certificate whose key is a software key behind a TlsKeySigner
// (counting its calls). Test-only; stateless.
#pragma once

#include <memory>
#include <string>

#include "common/bytes.hpp"
#include "tools/tessera/client/https_client.hpp"

namespace tessera::testing {

// A self-issued certificate "CN=<cn>" carrying `spki`'s key, signed by a
// throw-away key (for storage round trips, not for verification).
Bytes SelfSignedFor(ByteView spki, const std::string& cn);

// PKCS#11's r || s as a DER Ecdsa-Sig-Value.
Bytes RawToDerSignature(ByteView raw);

// The PEM certificate and key files as a ClientCertificate whose signer
// signs with the key on the host; `*calls` counts the signatures.
cli::ClientCertificate SoftwareClientCertificate(const std::string& cert_pem,
                                                 const std::string& key_pem,
                                                 std::shared_ptr<int> calls);

}  // namespace tessera::testing
