// The server's TLS context: TLS 1.3, and 1.2 as the floor (SSL_CTX min proto
// TLS1_2_VERSION), the certificate chain and key from PEM files, and client
// certificates optionally asked for and verified against a CA file
// (SSL_VERIFY_PEER without FAIL_IF_NO_PEER_CERT: a client without one still
// connects; routes that need one answer 401). Built once; the context is
// then shared read-only by every TLS connection.
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "common/status.hpp"
#include "services/http/server_config.hpp"

namespace tessera::http {

// Errors name the file and why: unreadable, not PEM, a key that does not
// match the certificate, or a key file that group or others may read
// (kConditionsNotSatisfied: chmod 600 it).
Result<std::shared_ptr<boost::asio::ssl::context>> MakeTlsContext(const TlsFiles& files);

// The RFC 4514 subject of the peer's certificate when it was verified
// (X509_V_OK), else empty.
std::string VerifiedPeerSubject(SSL* ssl);
// The DER of the verified peer certificate, or empty (as VerifiedPeerSubject).
std::string VerifiedPeerCertificate(SSL* ssl);
// RFC 9266 §2: 32 bytes exported with the label "EXPORTER-Channel-Binding"
// and no context (RFC 5705 / RFC 8446 §7.5); empty if the export fails.
std::string ChannelBindingExporter(SSL* ssl);

}  // namespace tessera::http
