// HostPivTest: a SimTest whose simulator serves one token, with the
// production host::PivClient selected on it, plus the OpenSSL-only helpers
// the Tessera extension tests judge the token by (MACs, HKDF, a PKCS#8 key,
// a blob wrapped to the token's F0). Subclasses may start the simulator with
// other arguments (a seed). Test-only; one test thread.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <vector>

#include "common/crypto/ecdh_aes_wrap.hpp"
#include "common/piv/piv_constants.hpp"
#include "common/piv/wrapped_key.hpp"
#include "host/card/piv_client.hpp"
#include "tests/integration/sim_test_fixture.hpp"

namespace tessera::testing {

class HostPivTest : public SimTest {
 protected:
  virtual std::vector<std::string> SimArguments() const { return {}; }

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartSim(SimArguments()));
    serial_ = OnlySerial();
    transport_ = Connect(serial_);
    ASSERT_NE(transport_, nullptr);
    channel_ = std::make_unique<host::ApduChannel>(*transport_);
    piv_ = std::make_unique<host::PivClient>(*channel_);
    ASSERT_TRUE(piv_->Select().ok());
  }

  Status AuthenticateDefault() {
    return piv_->AuthenticateManagementKey(piv::Algorithm::kTdes, piv::kDefaultManagementKey);
  }
  Status VerifyDefaultPin() { return piv_->VerifyPin(AsBytes(piv::kDefaultPin)); }

  // The token key F0, from GET METADATA.
  ossl::PkeyPtr TokenKey() {
    auto meta = piv_->GetKeyMetadata(piv::key::kTokenKey);
    EXPECT_TRUE(meta.ok()) << meta.status().ToString();
    return meta.ok() ? std::move(meta->public_key) : nullptr;
  }

  // `material` wrapped to this token's F0 for `target` (X9.63 SHA-256, AES-256 KEK).
  host::WrappedKeyBlob WrapForThisToken(std::uint8_t target, ByteView material) {
    host::WrappedKeyBlob w;
    w.shared_data = piv::wrap::EncodeSharedData({serial_, target, {}});
    crypto::EcdhAesWrapParams params;
    params.kdf = w.kdf;
    params.aes_key_bytes = w.kek_bytes;
    params.shared_data = w.shared_data;
    ossl::PkeyPtr f0 = TokenKey();
    auto blob = crypto::EcdhAesKeyWrap(f0.get(), params, material);
    EXPECT_TRUE(blob.ok()) << blob.status().ToString();
    if (blob.ok()) w.blob = std::move(*blob);
    return w;
  }

  std::uint32_t serial_ = 0;
  std::unique_ptr<host::SimSocketTransport> transport_;
  std::unique_ptr<host::ApduChannel> channel_;
  std::unique_ptr<host::PivClient> piv_;
};

// OpenSSL's one-shot MAC: "CMAC" with a cipher, or "HMAC" with a digest.
inline Bytes OsslMac(const char* mac, const char* sub, ByteView key, ByteView data) {
  Bytes out(64);
  std::size_t len = 0;
  if (EVP_Q_mac(nullptr, mac, nullptr, sub, nullptr, key.data(), key.size(), data.data(),
                data.size(), out.data(), out.size(), &len) == nullptr) {
    ADD_FAILURE() << "EVP_Q_mac " << mac;
    return {};
  }
  out.resize(len);
  return out;
}

}  // namespace tessera::testing
