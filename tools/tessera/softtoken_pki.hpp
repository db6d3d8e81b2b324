// What `tessera softtoken verify` checks with OpenSSL (docs/cli.md "The
// soft-token service (seed 002)"): a certificate chain up to trusted CA
// certificates, the soft-token issuer's EKU, a CRL from the certificate's
// distribution point, and fetching a URL over HTTPS. Errors name the
// check: kSignatureInvalid for a chain or CRL that does not verify,
// kConditionsNotSatisfied for a missing EKU or distribution point,
// kInvalidArgument for malformed input. Stateless; one thread at a time.
#pragma once

#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/ossl.hpp"
#include "common/status.hpp"
#include "tools/tessera/client/https_client.hpp"

namespace tessera::cli::softtoken {

// Every certificate in a PEM text, in order.
Result<std::vector<Bytes>> CertificatesFromPem(const std::string& pem);

// X509_verify_cert of chain[0] with chain[1..] as untrusted intermediates,
// up to one of `anchors` (a CA need not be self-signed: partial chains
// are accepted), at the current time. The verified chain, leaf first.
Result<std::vector<Bytes>> VerifyChain(const std::vector<Bytes>& chain,
                                       const std::vector<Bytes>& anchors);

// True when the certificate's extended key usage names `oid` (dotted).
Result<bool> HasExtendedKeyUsage(ByteView certificate, std::string_view oid);

// The certificate's first CRL distribution point URI; kNotFound when none.
Result<std::string> CrlDistributionPoint(ByteView certificate);

// Whether `certificate` is on `crl_der`, a CRL that must verify with
// `issuer` and be current. kSignatureInvalid, kConditionsNotSatisfied (past
// its nextUpdate) otherwise.
Result<bool> RevokedOnCrl(ByteView certificate, ByteView issuer, ByteView crl_der);

// GET `url` (https://host[:port]/path) with `ca_file` trusting its TLS
// certificate; the answer of a 2xx, else the problem as a Status.
Result<HttpResponse> Fetch(const std::string& url, const std::string& ca_file);

}  // namespace tessera::cli::softtoken
