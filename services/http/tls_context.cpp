#include "services/http/tls_context.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/ossl.hpp"

namespace tessera::http {
namespace {

namespace ssl = boost::asio::ssl;

Status CheckKeyFileMode(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    return Status::NotFound("TLS key " + path + ": " + std::strerror(errno));
  }
  if ((info.st_mode & 077) != 0) {
    char mode[8];
    (void)std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    return Status::ConditionsNotSatisfied("TLS key " + path + " has mode " + mode +
                                          ": group and others may not read it; chmod 600 it");
  }
  return Status::Ok();
}

Status FileError(const std::string& what, const std::string& path) {
  return ossl::Error(what + " " + path);
}

}  // namespace

Result<std::shared_ptr<ssl::context>> MakeTlsContext(const TlsFiles& files) {
  if (files.cert_file.empty() || files.key_file.empty()) {
    return Status::InvalidArgument("a TLS listener needs tls.cert and tls.key");
  }
  TESSERA_RETURN_IF_ERROR(CheckKeyFileMode(files.key_file));
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* ctx = context->native_handle();
  // TLS 1.2 is the floor; 1.3 is preferred by OpenSSL's negotiation.
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
    return ossl::Error("setting the TLS floor");
  }
  SSL_CTX_set_options(
      ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // TLS 1.2: forward-secret AEAD suites only (the TLS 1.3 suites are all AEAD).
  if (SSL_CTX_set_cipher_list(ctx, "ECDHE+AESGCM:ECDHE+CHACHA20") != 1) {
    return ossl::Error("setting the TLS 1.2 cipher suites");
  }
  if (SSL_CTX_use_certificate_chain_file(ctx, files.cert_file.c_str()) != 1) {
    return FileError("cannot load the TLS certificate chain", files.cert_file);
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, files.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return FileError("cannot load the TLS key", files.key_file);
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return FileError("the TLS key does not match the certificate in " + files.cert_file + ":",
                     files.key_file);
  }
  if (!files.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, files.client_ca_file.c_str(), nullptr) != 1) {
      return FileError("cannot load the client CA file", files.client_ca_file);
    }
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(files.client_ca_file.c_str());
    if (names == nullptr) return FileError("no CA names in", files.client_ca_file);
    SSL_CTX_set_client_CA_list(ctx, names);  // takes ownership
    // Asked, not required: routes decide (RouteOptions::require_client_cert).
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_verify_depth(ctx, 4);
  }
  // Resumed TLS 1.2 sessions keep the verified peer; the context ID is required for it.
  static constexpr unsigned char kSessionContext[] = "tesserad";
  SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);
  return context;
}

std::string VerifiedPeerSubject(SSL* ssl) {
  X509* peer = SSL_get0_peer_certificate(ssl);
  if (peer == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return {};
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return {};
  if (X509_NAME_print_ex(bio.get(), X509_get_subject_name(peer), 0, XN_FLAG_RFC2253) < 0) {
    return {};
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::string VerifiedPeerCertificate(SSL* ssl) {
  X509* peer = SSL_get0_peer_certificate(ssl);
  if (peer == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return {};
  unsigned char* der = nullptr;
  const int size = i2d_X509(peer, &der);
  if (size <= 0) return {};
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
  OPENSSL_free(der);
  return out;
}

std::string ChannelBindingExporter(SSL* ssl) {
  static constexpr char kLabel[] = "EXPORTER-Channel-Binding";
  std::string out(32, '\0');
  if (SSL_export_keying_material(ssl, reinterpret_cast<unsigned char*>(out.data()), out.size(),
                                 kLabel, sizeof kLabel - 1, nullptr, 0, 0) != 1) {
    ossl::DrainErrors();
    return {};
  }
  return out;
}

}  // namespace tessera::http
