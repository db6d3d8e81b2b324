#include "tests/integration/services/cms/cms_refusal_fixture.hpp"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "host/card/apdu_channel.hpp"
#include "host/card/piv_client.hpp"
#include "tools/tessera/client/tls_signer_key.hpp"

namespace tessera::testing {

SecureBytes Secret(std::string_view text) { return SecureBytes(Bytes(text.begin(), text.end())); }
SecureBytes TestPin() { return Secret("123456"); }

// The JWS with its payload replaced and the signature kept: a field changed
// after signing.
std::string WithPayload(const std::string& jws, const std::string& payload) {
  const std::size_t first = jws.find('.');
  const std::size_t second = jws.find('.', first + 1);
  return jws.substr(0, first + 1) + jose::Base64UrlEncode(AsBytes(payload)) + jws.substr(second);
}

// An officer's terminal driven request by request (what `tessera officer
// bind` does, step by step). Not movable: the TLS client key signs through

int CmsNegativeTest::PinTriesLeft(std::uint32_t serial) {
  auto transport = sim_->Connect(serial);
  EXPECT_TRUE(transport.ok()) << transport.status().ToString();
  if (!transport.ok()) return -2;
  host::ApduChannel channel(**transport);
  host::PivClient piv(channel);
  EXPECT_TRUE(piv.Select().ok());
  auto tries = piv.PinStatus();
  EXPECT_TRUE(tries.ok()) << tries.status().ToString();
  return tries.ok() ? *tries : -2;
}
void CmsNegativeTest::MakeOutsider() {
  auto token = cli::TokenP11::Open(module_, outsider_token_);
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  ASSERT_TRUE(token->LoginUser(TestPin()).ok());
  auto spki = token->GenerateP256("9a");
  ASSERT_TRUE(spki.ok()) << spki.status().ToString();
  cli::TokenP11* on = &*token;
  auto key = cli::SignerBackedKey(*spki, [on](std::string_view, ByteView hash) -> Result<Bytes> {
    TESSERA_ASSIGN_OR_RETURN(Bytes raw, on->SignDigest("9a", hash));
    return jose::EcdsaJoseToDer(raw);
  });
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  std::unique_ptr<X509_REQ, ossl::Deleter<X509_REQ_free>> csr(X509_REQ_new());
  X509_NAME* name = X509_REQ_get_subject_name(csr.get());
  ASSERT_EQ(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>("Mallory Outsider"),
                                       -1, -1, 0),
            1);
  ASSERT_EQ(X509_REQ_set_pubkey(csr.get(), key->get()), 1);
  ASSERT_GT(X509_REQ_sign(csr.get(), key->get(), EVP_sha256()), 0)
      << ossl::Error("sign").ToString();
  {
    std::unique_ptr<BIO, ossl::Deleter<BIO_free>> out(
        BIO_new_file(Path("outsider.csr").c_str(), "w"));
    ASSERT_NE(out, nullptr);
    ASSERT_EQ(PEM_write_bio_X509_REQ(out.get(), csr.get()), 1);
  }
  ToolResult issued = Cli({"ca", "issue", "--ca", "root", "--profile", "officer", "--csr",
                           Path("outsider.csr"), "--directory", url_});
  ASSERT_EQ(issued.exit_code, 0) << issued.Describe();
  std::unique_ptr<BIO, ossl::Deleter<BIO_free>> pem(
      BIO_new_mem_buf(issued.out.data(), static_cast<int>(issued.out.size())));
  ossl::X509Ptr certificate(PEM_read_bio_X509(pem.get(), nullptr, nullptr, nullptr));
  ASSERT_NE(certificate, nullptr) << issued.out;
  unsigned char* der = nullptr;
  const int length = i2d_X509(certificate.get(), &der);
  ASSERT_GT(length, 0);
  const Bytes der_bytes(der, der + length);
  OPENSSL_free(der);
  ASSERT_TRUE(token->WriteCertificate("9a", der_bytes).ok());
}

}  // namespace tessera::testing
