// The key ceremony between two SoftHSM2 tokens standing for the
// key-management HSM (HSM2) and the access-server HSM (HSM1): generation,
// transfer under a shared KEK, and what each HSM lets out afterwards.
#include "hsm/ceremony.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>

#include "hsm/attribute_template.hpp"
#include "hsm/cryptogram.hpp"
#include "hsm/diversify.hpp"
#include "hsm/key_object.hpp"
#include "hsm/key_ops.hpp"
#include "hsm/mechanism.hpp"
#include "hsm/scp03_keys.hpp"
#include "hsm/version_objects.hpp"
#include "tests/integration/hsm/softhsm_fixture.hpp"
#include "tests/integration/hsm/test_keys.hpp"

namespace tessera::hsm::testing {
namespace {

const Bytes kUid = HexOrDie("544553534552412d5549442d30303031");
const Bytes kProbe = {'P', 'R', 'O', 'B', 'E'};

class CeremonyTest : public SoftHsmTest {
 protected:
  void SetUp() override {
    SoftHsmTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    InitToken(kKeyManagementLabel);
    InitToken(kAccessServerLabel);
    library_ = LoadSoftHsm();
    ASSERT_TRUE(library_);
    auto kms = OpenToken(library_, kKeyManagementLabel);
    auto access = OpenToken(library_, kAccessServerLabel);
    ASSERT_TRUE(kms.ok() && access.ok());
    kms_.emplace(std::move(*kms));
    access_.emplace(std::move(*access));
  }
  void TearDown() override {
    kms_.reset();
    access_.reset();
    library_.reset();
    SoftHsmTest::TearDown();
  }

  HsmToken& kms() { return *kms_; }
  HsmToken& access() { return *access_; }

  VersionObjects Objects(HsmToken& token, std::uint8_t version) {
    auto found = FindVersion(token.session(), version);
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    return found.ok() ? *found : VersionObjects{};
  }

  std::shared_ptr<const Pkcs11Library> library_;
  std::optional<HsmToken> kms_;
  std::optional<HsmToken> access_;
};

std::string MacHex(HsmToken& token, const Result<KeyObject>& key) {
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  if (!key.ok()) return {};
  auto mac = Cmac(token, *key, kProbe);
  EXPECT_TRUE(mac.ok()) << mac.status().ToString();
  return mac.ok() ? ToHex(mac->view()) : std::string();
}

std::string KcvHex(HsmToken& token, const Result<KeyObject>& key) {
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  if (!key.ok()) return {};
  auto kcv = KeyCheckValue(token, *key);
  EXPECT_TRUE(kcv.ok()) << kcv.status().ToString();
  return kcv.ok() ? ToHex(*kcv) : std::string();
}

TEST_F(CeremonyTest, GenerateVersionMakesSensitiveKeysThatLeaveOnlyWrapped) {
  auto record = GenerateVersion(kms(), 1);
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ(record->version, 1);
  EXPECT_EQ(record->mk_block_check.size(), 3U);
  EXPECT_EQ(record->krk_block_check.size(), 3U);
  EXPECT_NE(record->mk_block_check, record->krk_block_check);
  EXPECT_EQ(record->cryptogram_key.modulus.size(), 384U);
  EXPECT_EQ(ToHex(record->cryptogram_key.public_exponent), "010001");

  VersionObjects objects = Objects(kms(), 1);
  ASSERT_TRUE(objects.complete()) << objects.Describe();
  for (CK_OBJECT_HANDLE block : {*objects.mk_block, *objects.krk_block}) {
    EXPECT_EQ(ProbeAttribute(kms(), block, CKA_VALUE), static_cast<CK_RV>(CKR_ATTRIBUTE_SENSITIVE));
    EXPECT_TRUE(BoolAttribute(kms(), block, CKA_TOKEN));
    EXPECT_TRUE(BoolAttribute(kms(), block, CKA_SENSITIVE));
    EXPECT_TRUE(BoolAttribute(kms(), block, CKA_EXTRACTABLE));
    EXPECT_TRUE(BoolAttribute(kms(), block, CKA_DERIVE));
    EXPECT_FALSE(BoolAttribute(kms(), block, CKA_ENCRYPT));
    EXPECT_FALSE(BoolAttribute(kms(), block, CKA_WRAP));
    EXPECT_FALSE(BoolAttribute(kms(), block, CKA_MODIFIABLE));
    // Dropped on SoftHSM2, see SoftHsm2CannotMarkAKekTrusted.
    EXPECT_FALSE(BoolAttribute(kms(), block, CKA_WRAP_WITH_TRUSTED));
  }
  const CK_OBJECT_HANDLE private_key = *objects.private_key;
  EXPECT_EQ(ProbeAttribute(kms(), private_key, CKA_PRIVATE_EXPONENT),
            static_cast<CK_RV>(CKR_ATTRIBUTE_SENSITIVE));
  EXPECT_EQ(ProbeAttribute(kms(), private_key, CKA_PRIME_1),
            static_cast<CK_RV>(CKR_ATTRIBUTE_SENSITIVE));
  EXPECT_TRUE(BoolAttribute(kms(), private_key, CKA_SENSITIVE));
  EXPECT_TRUE(BoolAttribute(kms(), private_key, CKA_EXTRACTABLE));
  EXPECT_FALSE(BoolAttribute(kms(), private_key, CKA_SIGN));
  EXPECT_TRUE(BoolAttribute(kms(), *objects.public_key, CKA_ENCRYPT));
}

TEST_F(CeremonyTest, SecondGenerateOfAVersionFailsAndChangesNothing) {
  auto first = GenerateVersion(kms(), 1);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const std::size_t objects = CountObjects(kms());
  auto second = GenerateVersion(kms(), 1);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Code::kConditionsNotSatisfied);
  EXPECT_NE(second.status().message().find("already holds key version 01"), std::string::npos)
      << second.status().message();
  EXPECT_EQ(CountObjects(kms()), objects);
  auto now = ReadVersionRecord(kms(), 1);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(*now, *first);
}

TEST_F(CeremonyTest, PartOfAVersionAlsoBlocksGeneration) {
  ImportBlock(kms(), KrkBlockLabel(5), Bytes(32, 0x07));
  auto record = GenerateVersion(kms(), 5);
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.status().code(), Code::kConditionsNotSatisfied);
  EXPECT_NE(record.status().message().find("present: KRK block"), std::string::npos)
      << record.status().message();
  EXPECT_FALSE(Objects(kms(), 5).mk_block.has_value());
}

TEST_F(CeremonyTest, VersionsOutsideTheKvnRangeAreRefused) {
  EXPECT_EQ(GenerateVersion(kms(), 0x00).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(GenerateVersion(kms(), 0x80).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(MkBlockLabel(0x0A), "tessera-mk-v0A");
  EXPECT_EQ(CryptogramKeyLabel(0x7F), "tessera-cryptogram-v7F");
}

TEST_F(CeremonyTest, TransferMovesTheVersionAndBothHsmsDeriveTheSameKeys) {
  auto generated = GenerateVersion(kms(), 1);
  ASSERT_TRUE(generated.ok()) << generated.status().ToString();
  auto moved = Transfer(kms(), access(), 1);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_FALSE(moved->already_present);
  EXPECT_EQ(moved->record, *generated);

  // Per-token MK: same KCV and CMAC on both HSMs.
  EXPECT_EQ(KcvHex(access(), DeriveTokenMk(access(), 1, kUid)),
            KcvHex(kms(), DeriveTokenMk(kms(), 1, kUid)));
  EXPECT_EQ(MacHex(access(), DeriveTokenMk(access(), 1, kUid)),
            MacHex(kms(), DeriveTokenMk(kms(), 1, kUid)));
  // KRK: made on the access server, recovered from its cryptogram on both.
  auto made = NewKrk(access(), 1);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  const std::string krk_mac = MacHex(access(), RecoverKrk(access(), 1, made->cryptogram));
  EXPECT_EQ(krk_mac, MacHex(kms(), RecoverKrk(kms(), 1, made->cryptogram)));
  auto mac = Cmac(access(), made->krk, kProbe);
  ASSERT_TRUE(mac.ok());
  EXPECT_EQ(krk_mac, ToHex(mac->view()));
}

TEST_F(CeremonyTest, TransferredKeysNeverLeaveTheAccessServer) {
  ASSERT_TRUE(GenerateVersion(kms(), 1).ok());
  ASSERT_TRUE(Transfer(kms(), access(), 1).ok());
  VersionObjects objects = Objects(access(), 1);
  ASSERT_TRUE(objects.complete()) << objects.Describe();
  for (CK_OBJECT_HANDLE key : {*objects.mk_block, *objects.krk_block, *objects.private_key}) {
    EXPECT_TRUE(BoolAttribute(access(), key, CKA_SENSITIVE));
    EXPECT_FALSE(BoolAttribute(access(), key, CKA_EXTRACTABLE));
    EXPECT_TRUE(BoolAttribute(access(), key, CKA_TOKEN));
  }
  EXPECT_EQ(ProbeAttribute(access(), *objects.mk_block, CKA_VALUE),
            static_cast<CK_RV>(CKR_ATTRIBUTE_SENSITIVE));
  // The KEK came over as a session object and is gone; only the transport
  // pair stays on the access server, and only the KEK on the source.
  auto kek_at_access = FindTokenObject(access().session(), ObjectClass::kSecretKey, kKekLabel);
  ASSERT_TRUE(kek_at_access.ok());
  EXPECT_FALSE(kek_at_access->has_value());
  auto kek_at_kms = FindTokenObject(kms().session(), ObjectClass::kSecretKey, kKekLabel);
  ASSERT_TRUE(kek_at_kms.ok() && kek_at_kms->has_value());
  EXPECT_TRUE(BoolAttribute(kms(), **kek_at_kms, CKA_WRAP));
  EXPECT_FALSE(BoolAttribute(kms(), **kek_at_kms, CKA_UNWRAP));
  EXPECT_FALSE(BoolAttribute(kms(), **kek_at_kms, CKA_ENCRYPT));
  auto transport = FindTokenObject(access().session(), ObjectClass::kPrivateKey, kTransportLabel);
  ASSERT_TRUE(transport.ok() && transport->has_value());
  EXPECT_FALSE(BoolAttribute(access(), **transport, CKA_EXTRACTABLE));
  EXPECT_TRUE(BoolAttribute(access(), **transport, CKA_UNWRAP));
  EXPECT_FALSE(BoolAttribute(access(), **transport, CKA_DECRYPT));
}

TEST_F(CeremonyTest, RerunOfAFinishedTransferIsAlreadyPresent) {
  ASSERT_TRUE(GenerateVersion(kms(), 1).ok());
  ASSERT_TRUE(Transfer(kms(), access(), 1).ok());
  const std::size_t objects = CountObjects(access());
  auto again = Transfer(kms(), access(), 1);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->already_present);
  EXPECT_EQ(CountObjects(access()), objects);
}

TEST_F(CeremonyTest, LaterVersionsReuseTheKekAndTheTransportPair) {
  ASSERT_TRUE(GenerateVersion(kms(), 1).ok());
  ASSERT_TRUE(GenerateVersion(kms(), 2).ok());
  ASSERT_TRUE(Transfer(kms(), access(), 1).ok());
  const std::size_t kms_objects = CountObjects(kms());
  const std::size_t access_objects = CountObjects(access());
  auto moved = Transfer(kms(), access(), 2);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(CountObjects(kms()), kms_objects);            // no second KEK
  EXPECT_EQ(CountObjects(access()), access_objects + 4);  // the version, no new transport pair
  EXPECT_NE(MacHex(access(), DeriveTokenMk(access(), 1, kUid)),
            MacHex(access(), DeriveTokenMk(access(), 2, kUid)));
}

TEST_F(CeremonyTest, TransferOfAVersionTheSourceLacksIsNotFound) {
  auto moved = Transfer(kms(), access(), 3);
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.status().code(), Code::kNotFound);
  EXPECT_NE(moved.status().message().find("'tessera-kms' does not hold key version 03"),
            std::string::npos)
      << moved.status().message();
}

TEST_F(CeremonyTest, PartOfAVersionAtTheDestinationIsRefusedBeforeAnythingIsMade) {
  ASSERT_TRUE(GenerateVersion(kms(), 1).ok());
  ImportBlock(access(), MkBlockLabel(1), Bytes(32, 0x01));
  const std::size_t objects = CountObjects(access());
  auto moved = Transfer(kms(), access(), 1);
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.status().code(), Code::kConditionsNotSatisfied);
  EXPECT_NE(moved.status().message().find("interrupted transfer"), std::string::npos)
      << moved.status().message();
  EXPECT_EQ(CountObjects(access()), objects);
}

TEST_F(CeremonyTest, ADifferentVersionAtTheDestinationIsNotOverwritten) {
  ASSERT_TRUE(GenerateVersion(kms(), 1).ok());
  auto own = GenerateVersion(access(), 1);
  ASSERT_TRUE(own.ok());
  auto moved = Transfer(kms(), access(), 1);
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.status().code(), Code::kConditionsNotSatisfied);
  EXPECT_NE(moved.status().message().find("different key version 01"), std::string::npos)
      << moved.status().message();
  auto still = ReadVersionRecord(access(), 1);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(*still, *own);
}

TEST_F(CeremonyTest, StepwiseTransferCarriesOnlyWrappedAndPublicBytes) {
  ASSERT_TRUE(GenerateVersion(kms(), 1).ok());
  auto transport = TransportPublicKey(access());
  ASSERT_TRUE(transport.ok()) << transport.status().ToString();
  EXPECT_EQ(transport->modulus.size(), 384U);
  auto package = ExportVersion(kms(), *transport, 1, OaepHash::kSha1);
  ASSERT_TRUE(package.ok()) << package.status().ToString();
  EXPECT_EQ(package->wrapped_kek.size(), 384U);
  EXPECT_EQ(package->wrapped_mk_block.size(), 40U);  // RFC 3394: 32 + 8
  EXPECT_EQ(package->wrapped_krk_block.size(), 40U);
  EXPECT_GT(package->wrapped_private_key.size(), 1600U);  // PKCS#8 of RSA-3072, padded

  TransferPackage tampered = *package;
  tampered.wrapped_krk_block[7] ^= 0x01;
  auto refused = ImportVersion(access(), tampered);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(Objects(access(), 1).empty()) << "a failed import keeps nothing";

  auto imported = ImportVersion(access(), *package);
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  EXPECT_FALSE(imported->already_present);
  EXPECT_EQ(imported->record, package->record);
}

TEST_F(CeremonyTest, PackageForAnotherTransportKeyDoesNotImport) {
  ASSERT_TRUE(GenerateVersion(kms(), 1).ok());
  ASSERT_TRUE(TransportPublicKey(access()).ok());
  // A transport pair on some other HSM (here: the source itself).
  auto elsewhere = TransportPublicKey(kms());
  ASSERT_TRUE(elsewhere.ok());
  auto package = ExportVersion(kms(), *elsewhere, 1, OaepHash::kSha1);
  ASSERT_TRUE(package.ok());
  auto imported = ImportVersion(access(), *package);
  ASSERT_FALSE(imported.ok());
  EXPECT_NE(imported.status().message().find("C_UnwrapKey"), std::string::npos)
      << imported.status().message();
  EXPECT_TRUE(Objects(access(), 1).empty());
}

TEST_F(CeremonyTest, WeakTransportKeyIsRefused) {
  ASSERT_TRUE(GenerateVersion(kms(), 1).ok());
  auto transport = TransportPublicKey(access());
  ASSERT_TRUE(transport.ok());
  transport->modulus.resize(256);
  auto package = ExportVersion(kms(), *transport, 1, OaepHash::kSha1);
  ASSERT_FALSE(package.ok());
  EXPECT_EQ(package.status().code(), Code::kInvalidArgument);
}

// SoftHSM2 2.6.1 quirks that shaped the ceremony (docs/hsm-adapter.md).
TEST_F(CeremonyTest, SoftHsm2CannotMarkAKekTrusted) {
  // A user session may not set CKA_TRUSTED (SoftHSM2: SO only) ...
  AttributeTemplate trusted;
  trusted.Add(Attr::kClass, ObjectClass::kSecretKey)
      .Add(Attr::kKeyType, KeyType::kAes)
      .Add(Attr::kValueLen, CK_ULONG{32})
      .Add(Attr::kToken, false)
      .Add(Attr::kWrap, true)
      .Add(Attr::kTrusted, true);
  auto kek = GenerateKey(kms().session(), MechanismSpec::Plain(Mechanism::kAesKeyGen),
                         std::move(trusted), "trusted KEK");
  ASSERT_FALSE(kek.ok());
  EXPECT_NE(kek.status().message().find("CKR_ATTRIBUTE_READ_ONLY"), std::string::npos)
      << kek.status().message();
  // ... so a block with CKA_WRAP_WITH_TRUSTED could never leave.
  AttributeTemplate plain_kek;
  plain_kek.Add(Attr::kClass, ObjectClass::kSecretKey)
      .Add(Attr::kKeyType, KeyType::kAes)
      .Add(Attr::kValueLen, CK_ULONG{32})
      .Add(Attr::kToken, false)
      .Add(Attr::kWrap, true);
  auto wrapper = GenerateKey(kms().session(), MechanismSpec::Plain(Mechanism::kAesKeyGen),
                             std::move(plain_kek), "KEK");
  AttributeTemplate block;
  block.Add(Attr::kClass, ObjectClass::kSecretKey)
      .Add(Attr::kKeyType, KeyType::kAes)
      .Add(Attr::kValueLen, CK_ULONG{32})
      .Add(Attr::kToken, false)
      .Add(Attr::kSensitive, true)
      .Add(Attr::kExtractable, true)
      .Add(Attr::kWrapWithTrusted, true);
  auto guarded = GenerateKey(kms().session(), MechanismSpec::Plain(Mechanism::kAesKeyGen),
                             std::move(block), "guarded block");
  ASSERT_TRUE(wrapper.ok() && guarded.ok());
  auto wrapped = WrapKey(kms().session(), MechanismSpec::Plain(Mechanism::kAesKeyWrap),
                         wrapper->handle(), guarded->handle(), "guarded block");
  ASSERT_FALSE(wrapped.ok());
  EXPECT_NE(wrapped.status().message().find("CKR_KEY_NOT_WRAPPABLE"), std::string::npos)
      << wrapped.status().message();
}

TEST_F(CeremonyTest, SoftHsm2DoesOaepWithSha1Only) {
  EXPECT_FALSE(kms().quirks().supports_rsa_oaep_sha256);
  EXPECT_EQ(TransportOaepHash(kms().quirks(), access().quirks()), OaepHash::kSha1);
  HsmQuirks modern{.supports_rsa_oaep_sha256 = true};
  EXPECT_EQ(TransportOaepHash(modern, modern), OaepHash::kSha256);
  EXPECT_EQ(TransportOaepHash(modern, kms().quirks()), OaepHash::kSha1);

  ASSERT_TRUE(GenerateVersion(kms(), 1).ok());
  auto transport = TransportPublicKey(access());
  ASSERT_TRUE(transport.ok());
  auto package = ExportVersion(kms(), *transport, 1, OaepHash::kSha256);
  ASSERT_FALSE(package.ok());
  EXPECT_NE(package.status().message().find("SHA-256"), std::string::npos)
      << package.status().message();
}

TEST_F(CeremonyTest, TwoObjectsWithOneLabelAreRefused) {
  ImportBlock(kms(), MkBlockLabel(1), Bytes(32, 0x01));
  ImportBlock(kms(), MkBlockLabel(1), Bytes(32, 0x02));
  auto mk = DeriveTokenMk(kms(), 1, kUid);
  ASSERT_FALSE(mk.ok());
  EXPECT_EQ(mk.status().code(), Code::kConditionsNotSatisfied);
  EXPECT_NE(mk.status().message().find("more than one secret key 'tessera-mk-v01'"),
            std::string::npos)
      << mk.status().message();
}

TEST_F(CeremonyTest, WrongPinForAnHsmNamesIt) {
  // A login belongs to the process: while a session on the token is logged
  // in, C_Login answers CKR_USER_ALREADY_LOGGED_IN without looking at the PIN.
  kms_.reset();
  std::string path = WriteFile("kms.pin", "0000\n", 0600);
  auto token = HsmToken::Open(library_, kKeyManagementLabel, PinSource::FromFile(path));
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().code(), Code::kSecurityStatus);
  EXPECT_NE(token.status().message().find("'tessera-kms'"), std::string::npos)
      << token.status().message();
  EXPECT_NE(token.status().message().find("CKR_PIN_INCORRECT"), std::string::npos);
}

TEST_F(CeremonyTest, MissingHsmLabelListsTheTokensThereAre) {
  ::setenv(kPinVariable, kPin, 1);
  auto token = HsmToken::Open(library_, "tessera-hsm1", PinSource::FromEnvironment(kPinVariable));
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().code(), Code::kNotFound);
  const std::string& msg = token.status().message();
  EXPECT_NE(msg.find("no HSM token labelled 'tessera-hsm1'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'tessera-kms'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'tessera-access'"), std::string::npos) << msg;
}

}  // namespace
}  // namespace tessera::hsm::testing
