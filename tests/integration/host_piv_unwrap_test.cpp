// host::PivClient::UnwrapAndStore (F2) against the real tessera-sim: a key
// wrapped on the host to the token's F0 lands in a PIV slot or a secret-key
// slot; a tampered blob and a missing PIN are refused. The worked example
// of docs/piv-extensions.md is replayed byte for byte on `tessera-sim
// --seed 1`.
#include <openssl/x509.h>

#include "common/piv/key_material.hpp"
#include "common/tlv.hpp"
#include "tests/integration/host_piv_fixture.hpp"

namespace tessera::testing {
namespace {

namespace secret = piv::secret;

Bytes Pkcs8Of(EVP_PKEY* key) {
  ossl::Pkcs8InfoPtr info(EVP_PKEY2PKCS8(key));
  unsigned char* der = nullptr;
  const int len = info ? i2d_PKCS8_PRIV_KEY_INFO(info.get(), &der) : -1;
  if (len <= 0) return {};
  Bytes out(der, der + len);
  OPENSSL_clear_free(der, static_cast<std::size_t>(len));
  return out;
}

bool VerifiesDigest(EVP_PKEY* key, ByteView digest, ByteView signature) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  return EVP_PKEY_verify_init(ctx.get()) == 1 &&
         EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), digest.data(),
                         digest.size()) == 1;
}

class HostPivUnwrapTest : public HostPivTest {};

TEST_F(HostPivUnwrapTest, UnwrapsAPrivateKeyThatSignsAndRefusesATamperedBlob) {
  ossl::PkeyPtr user(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  host::UnwrapRequest request;
  request.target = piv::key::kSignature;
  request.algorithm = static_cast<std::uint8_t>(piv::Algorithm::kEccP256);
  request.wrapped = WrapForThisToken(piv::key::kSignature, Pkcs8Of(user.get()));
  request.pin_policy = piv::PinPolicy::kOnce;
  EXPECT_EQ(piv_->UnwrapAndStore(request).status().code(), Code::kSecurityStatus);
  ASSERT_TRUE(VerifyDefaultPin().ok());

  host::UnwrapRequest tampered = request;
  tampered.wrapped.blob.back() ^= 0x01;
  EXPECT_EQ(piv_->UnwrapAndStore(tampered).status().code(), Code::kSignatureInvalid);
  EXPECT_EQ(piv_->GetKeyMetadata(piv::key::kSignature).status().code(), Code::kReferenceNotFound);

  auto result = piv_->UnwrapAndStore(request);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->slot, piv::key::kSignature);
  ASSERT_NE(result->public_key, nullptr);
  EXPECT_EQ(EVP_PKEY_eq(result->public_key.get(), user.get()), 1);
  EXPECT_FALSE(result->secret_key.has_value());
  auto meta = piv_->GetKeyMetadata(piv::key::kSignature);
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->origin, piv::KeyOrigin::kImported);
  EXPECT_EQ(meta->pin_policy, piv::PinPolicy::kOnce);

  const Bytes digest(32, 0x77);
  auto signature =
      piv_->PrivateKeyOperation(piv::key::kSignature, piv::Algorithm::kEccP256, 0x81, digest);
  ASSERT_TRUE(signature.ok()) << signature.status().ToString();
  EXPECT_TRUE(VerifiesDigest(user.get(), digest, signature->view()));
  EXPECT_EQ(piv_->Attest(piv::key::kSignature).status().code(), Code::kInvalidArgument);
}

TEST_F(HostPivUnwrapTest, UnwrapsASecretKeyIntoTheLowestFreeSlot) {
  ASSERT_TRUE(VerifyDefaultPin().ok());
  const Bytes value(32, 0x3A);
  host::UnwrapRequest request;
  request.target = secret::kAnyFreeSlot;
  request.algorithm = static_cast<std::uint8_t>(secret::KeyType::kGeneric);
  request.wrapped = WrapForThisToken(piv::wrap::kAnySecretSlot, value);
  request.secret.usage = secret::usage::kSign;
  request.secret.label = {'c', 'm', 's'};
  auto result = piv_->UnwrapAndStore(request);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_TRUE(result->secret_key.has_value());
  EXPECT_EQ(result->slot, 0xC0);
  EXPECT_EQ(result->secret_key->origin, piv::KeyOrigin::kImported);
  EXPECT_EQ(result->secret_key->length, 32u);
  EXPECT_EQ(AsString(result->secret_key->label), "cms");
  auto mac = piv_->SecretKeyMac(0xC0, secret::MacAlgorithm::kHmacSha256, AsBytes("x"));
  ASSERT_TRUE(mac.ok()) << mac.status().ToString();
  EXPECT_EQ(ToHex(*mac), ToHex(OsslMac("HMAC", "SHA256", value, AsBytes("x"))));

  request.algorithm = static_cast<std::uint8_t>(secret::KeyType::kAes128);  // 32 bytes inside
  EXPECT_EQ(piv_->UnwrapAndStore(request).status().code(), Code::kDataMismatch);
}

// docs/piv-extensions.md "Worked example": tessera-sim --seed 1.
constexpr std::uint32_t kExampleSerial = 57756183;  // 03714A17
constexpr char kExampleF0[] =
    "0462193c992b52ceead7f487b2f60aafa5cac8e3936d077a5636ef36228c1ae853"
    "a7384e8115eb82d9b716c77dcf1025be6032ac8fce4224c8e59cb94356829929";
constexpr char kExampleCommand[] =
    "00f200c076"
    "800108"
    "810106"
    "820110"
    "83095453573103714a17c0"
    "8459"
    "04515c3d6eb9e396b904d3feca7f54fdcd0cc1e997bf375dca515ad0a6c3b4035f"
    "4536be3a50f318fbf9a5475902a221502bef0d57e08c53b2cc0a56f17d9f93546d"
    "20681b994e468d26faf48ac8407c97138c1a1ccde2057b"
    "0a020001"
    "020101";
constexpr char kExampleResponse[] = "010108020201010301020a0200010b000c000d01c00e0110";

class HostPivUnwrapExampleTest : public HostPivTest {
 protected:
  std::vector<std::string> SimArguments() const override { return {"--seed", "1"}; }
};

TEST_F(HostPivUnwrapExampleTest, DocumentedExampleOpensOnTheSeedOneToken) {
  ossl::PkeyPtr f0 = TokenKey();
  ASSERT_NE(f0, nullptr);
  auto f0_point = piv::EcPublicPoint(f0.get(), *piv::CurveOf(piv::Algorithm::kEccP256));
  ASSERT_TRUE(f0_point.ok());
  EXPECT_EQ(serial_, kExampleSerial);
  EXPECT_EQ(ToHex(*f0_point), kExampleF0);

  // The ephemeral key of the example: scalar 01 02 .. 20.
  Bytes scalar(32);
  for (std::size_t i = 0; i < scalar.size(); ++i) scalar[i] = static_cast<std::uint8_t>(i + 1);
  auto d = piv::SecretBnFromBytes(scalar);
  ASSERT_TRUE(d.ok());
  auto ephemeral = piv::EcKeyFromScalar(*piv::CurveOf(piv::Algorithm::kEccP256), d->get());
  ASSERT_TRUE(ephemeral.ok());
  const Bytes shared = piv::wrap::EncodeSharedData({serial_, 0xC0, {}});
  crypto::EcdhAesWrapParams params{crypto::Hash::kSha256, 16, shared};
  auto blob = crypto::EcdhAesKeyWrapWith(f0.get(), ephemeral->get(), params,
                                         HexOrDie("00112233445566778899aabbccddeeff"));
  ASSERT_TRUE(blob.ok()) << blob.status().ToString();

  Bytes data = HexOrDie("800108 810106 820110");
  AppendTlv(data, 0x83, shared);
  AppendTlv(data, 0x84, *blob);
  Append(data, HexOrDie("0a020001 020101"));
  CommandApdu command;
  command.ins = 0xF2;
  command.p2 = 0xC0;
  command.data = data;
  EXPECT_EQ(ToHex(command.Serialize()), kExampleCommand);

  ASSERT_TRUE(VerifyDefaultPin().ok());
  auto response = channel_->Transmit(command);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->sw, 0x9000);
  EXPECT_EQ(ToHex(response->data), kExampleResponse);
  auto mac = piv_->SecretKeyMac(0xC0, secret::MacAlgorithm::kAesCmac, AsBytes("example"));
  ASSERT_TRUE(mac.ok());
  EXPECT_EQ(ToHex(*mac),
            ToHex(OsslMac("CMAC", "AES-128-CBC", HexOrDie("00112233445566778899aabbccddeeff"),
                          AsBytes("example"))));
}

}  // namespace
}  // namespace tessera::testing
