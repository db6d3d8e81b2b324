// tessera-sim-demo: drives one simulated token end to end and checks every
// answer with OpenSSL on the host: identity, PIN, management key, on-card key
// generation and signatures, attestation up to the manufacturer CA, and the
// Tessera token key. scripts/demo runs it; it exits non-zero on any failure.
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "common/ossl.hpp"
#include "common/piv/cert_container.hpp"
#include "common/piv/piv_constants.hpp"
#include "host/card/apdu_channel.hpp"
#include "host/card/piv_client.hpp"
#include "host/transport/sim_socket_transport.hpp"

namespace tessera {
namespace {

namespace fs = std::filesystem;

struct Options {
  std::string run_dir;
  std::string ca_cert;
  std::uint32_t serial = 0;
};

void Step(const char* what, const Status& s) {
  if (!s.ok()) {
    (void)std::fprintf(stderr, "FAILED %s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
  std::printf("  ok  %s\n", what);
}

template <typename T>
T Must(const char* what, Result<T> r) {
  Step(what, r.status());
  return std::move(r).value();
}

std::string DefaultRunDir() {
  if (const char* xdg = std::getenv("XDG_RUNTIME_DIR"); xdg != nullptr && *xdg != '\0') {
    return std::string(xdg) + "/tessera";
  }
  return "/tmp/tessera-" + std::to_string(getuid());
}

std::string SubjectOf(X509* cert) {
  char buf[256];
  X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
  return buf;
}

Status VerifyEcdsa(EVP_PKEY* key, ByteView digest, ByteView signature) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) return ossl::Error("EVP_PKEY_verify_init");
  if (EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), digest.data(),
                      digest.size()) != 1) {
    return Status::InvalidArgument("ECDSA signature does not verify: " + ossl::DrainErrors());
  }
  return Status::Ok();
}

Status VerifyEd25519(EVP_PKEY* key, ByteView message, ByteView signature) {
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key) != 1) {
    return ossl::Error("EVP_DigestVerifyInit");
  }
  if (EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                       message.size()) != 1) {
    return Status::InvalidArgument("Ed25519 signature does not verify: " + ossl::DrainErrors());
  }
  return Status::Ok();
}

Status VerifyIssued(X509* cert, X509* issuer) {
  if (X509_verify(cert, X509_get0_pubkey(issuer)) != 1) {
    return Status::InvalidArgument(SubjectOf(cert) + " is not signed by " + SubjectOf(issuer));
  }
  return Status::Ok();
}

Result<ossl::X509Ptr> LoadPemOrDer(const std::string& path) {
  ossl::BioPtr bio(BIO_new_file(path.c_str(), "rb"));
  if (!bio) return Status::NotFound("cannot open " + path);
  ossl::X509Ptr cert(d2i_X509_bio(bio.get(), nullptr));
  if (!cert) return Status::InvalidArgument(path + " is not a DER certificate");
  return cert;
}

void DemoAttestation(host::PivClient& piv, const Options& opt) {
  Bytes statement_der = Must("ATTEST slot 9A", piv.Attest(piv::key::kAuthentication));
  auto statement = Must("parse the attestation statement", ossl::CertFromDer(statement_der));
  Bytes object = Must("GET DATA 5FFF01 (attestation certificate)",
                      piv.GetData(piv::tag::kYubicoAttestationCert));
  Bytes cert_der = Must("parse the certificate container", piv::DecodeCertContainer(object));
  Step("certificate container holds a certificate",
       cert_der.empty() ? Status::InvalidArgument("no tag 70") : Status::Ok());
  auto attestation = Must("parse the attestation certificate", ossl::CertFromDer(cert_der));
  Step("statement is signed by the token's attestation key",
       VerifyIssued(statement.get(), attestation.get()));
  std::printf("      statement:   %s\n      attested by: %s\n", SubjectOf(statement.get()).c_str(),
              SubjectOf(attestation.get()).c_str());
  if (!opt.ca_cert.empty()) {
    auto ca = Must("load the manufacturer CA", LoadPemOrDer(opt.ca_cert));
    Step("attestation certificate is signed by the manufacturer CA",
         VerifyIssued(attestation.get(), ca.get()));
    std::printf("      root:        %s\n", SubjectOf(ca.get()).c_str());
  }
}

int Run(const Options& opt) {
  auto sockets = Must("list tokens", host::ListSimSockets(opt.run_dir));
  if (sockets.empty()) Step("find a token", Status::NotFound("no token sockets in " + opt.run_dir));
  fs::path socket = sockets.front().path;
  for (const auto& s : sockets) {
    if (s.serial == opt.serial) socket = s.path;
  }
  std::printf("Tessera simulated token at %s\n", socket.c_str());
  auto transport = Must("connect", host::SimSocketTransport::Connect(socket));
  Bytes atr = Must("ATR", transport->Atr());
  std::printf("      ATR %s\n", ToHex(atr).c_str());
  host::ApduChannel channel(*transport);
  host::PivClient piv(channel);

  (void)Must("SELECT PIV", piv.Select());
  auto version = Must("GET VERSION", piv.GetVersion());
  std::uint32_t serial = Must("GET SERIAL", piv.GetSerial());
  std::printf("      firmware %d.%d.%d, serial %u\n", version[0], version[1], version[2], serial);

  auto pin_meta = Must("GET METADATA PIN", piv.GetPinMetadata(piv::key::kPin));
  std::printf("      PIN: %s, %d of %d tries left\n",
              pin_meta.is_default ? "factory default" : "changed", pin_meta.tries_left,
              pin_meta.max_tries);
  Step("VERIFY PIN 123456", piv.VerifyPin(AsBytes(piv::kDefaultPin)));
  Step("authenticate with the default 3DES management key",
       piv.AuthenticateManagementKey(piv::Algorithm::kTdes, piv::kDefaultManagementKey));

  auto p256 = Must("GENERATE P-256 in slot 9A",
                   piv.GenerateKey(piv::key::kAuthentication, piv::Algorithm::kEccP256));
  static constexpr char kMessage[] = "hello from tessera";
  Bytes digest(SHA256_DIGEST_LENGTH);
  SHA256(reinterpret_cast<const unsigned char*>(kMessage), sizeof kMessage - 1, digest.data());
  auto sig = Must(
      "sign a SHA-256 digest with 9A (ECDSA)",
      piv.PrivateKeyOperation(piv::key::kAuthentication, piv::Algorithm::kEccP256, 0x81, digest));
  Step("OpenSSL verifies the ECDSA signature", VerifyEcdsa(p256.get(), digest, sig.view()));

  auto ed = Must("GENERATE Ed25519 in slot 9E",
                 piv.GenerateKey(piv::key::kCardAuthentication, piv::Algorithm::kEd25519));
  auto ed_sig = Must("sign a message with 9E (Ed25519)",
                     piv.PrivateKeyOperation(piv::key::kCardAuthentication,
                                             piv::Algorithm::kEd25519, 0x81, AsBytes(kMessage)));
  Step("OpenSSL verifies the Ed25519 signature",
       VerifyEd25519(ed.get(), AsBytes(kMessage), ed_sig.view()));

  DemoAttestation(piv, opt);

  auto token_key =
      Must("GET METADATA F0 (Tessera token key)", piv.GetKeyMetadata(piv::key::kTokenKey));
  Bytes spki =
      Must("encode the token public key", ossl::PublicKeyToDer(token_key.public_key.get()));
  std::printf("      token key: %s, %zu-byte SubjectPublicKeyInfo\n",
              std::string(piv::AlgorithmName(token_key.algorithm)).c_str(), spki.size());
  std::printf("The token works.\n");
  return 0;
}

}  // namespace
}  // namespace tessera

int main(int argc, char** argv) {
  // CLI11 reports through exceptions; nothing else may escape main.
  try {
    tessera::Options opt;
    opt.run_dir = tessera::DefaultRunDir();
    CLI::App app{"Drives one tessera-sim token end to end and checks each answer with OpenSSL."};
    app.add_option("--run-dir", opt.run_dir, "simulator run directory")->capture_default_str();
    app.add_option("--serial", opt.serial, "token serial (default: the first token)");
    app.add_option("--ca", opt.ca_cert,
                   "manufacturer CA certificate (DER) to check the attestation chain");
    try {
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
      (void)std::fputs(app.help().c_str(), stdout);
      return 0;
    } catch (const CLI::ParseError& e) {
      (void)std::fprintf(stderr, "%s\n%s", e.what(), app.help().c_str());
      return 2;
    }
    return tessera::Run(opt);
  } catch (const std::exception& e) {
    (void)std::fprintf(stderr, "tessera-sim-demo: %s\n", e.what());
    return 1;
  }
}
