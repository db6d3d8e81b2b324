#include "tests/integration/pkcs11/conformance/conformance_fixture.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "common/tlv.hpp"
#include "tests/integration/piv_client.hpp"
#include "tests/integration/pkcs11/cold_start.hpp"

namespace tessera::testing::conformance {
namespace {

std::filesystem::path TracePath(const std::filesystem::path& dir) { return dir / "trace.log"; }

// GENERATE for X25519, which the test PIV client does not decode: the
// answer is 7F49 { 86 <32-byte u-coordinate> } (SP 800-73-4 Part 2 §3.3.2,
// YubiKey 5.7 encoding).
ossl::PkeyPtr GenerateX25519(PivClient& piv, std::uint8_t slot) {
  CommandApdu generate;
  generate.ins = 0x47;
  generate.p2 = slot;
  generate.data = {0xAC, 0x03, 0x80, 0x01, static_cast<std::uint8_t>(piv::Algorithm::kX25519)};
  generate.le = 256;
  auto r = piv.Send(generate);
  if (!r.ok() || !r->ok()) {
    ADD_FAILURE() << "GENERATE X25519 failed";
    return nullptr;
  }
  auto contents = ParseSingle(r->data, 0x7F49);
  std::optional<ByteView> point;
  if (contents.ok()) {
    auto fields = ParseTlvs(*contents);
    if (fields.ok()) point = FindTag(*fields, 0x86);
  }
  if (!point || point->size() != 32) {
    ADD_FAILURE() << "GENERATE X25519: no 32-byte point";
    return nullptr;
  }
  return ossl::PkeyPtr(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, point->data(), point->size()));
}

}  // namespace

void ConformanceTest::SetUp() {
  ASSERT_NO_FATAL_FAILURE(StartSim({"--trace", TracePath(dir_.path()).string()}));
  {
    auto transport = Connect(OnlySerial());
    ASSERT_NE(transport, nullptr);
    auto inventory = ReadCardInventory(*transport);
    ASSERT_TRUE(inventory.ok()) << inventory.status().message();
    before_ = std::move(inventory).value();
  }
  ASSERT_EQ(::setenv("TESSERA_SIM_DIR", run_dir().c_str(), 1), 0);
  ASSERT_TRUE(module_.ok()) << "cannot load " << ModulePath();
  if (InitializeInSetUp()) {
    ASSERT_NO_FATAL_FAILURE(Initialize());
  }
}

void ConformanceTest::TearDown() {
  if (module_.ok()) {
    module_->C_Finalize(nullptr);  // may already be finalized
  }
  ::unsetenv("TESSERA_SIM_DIR");
  if (sim_ == nullptr) return;
  auto transport = Connect(OnlySerial());
  ASSERT_NE(transport, nullptr);
  auto after = ReadCardInventory(*transport);
  ASSERT_TRUE(after.ok()) << after.status().message();
  for (const std::string& change : CardChanges(before_, *after, may_change_)) {
    ADD_FAILURE() << "left behind on the card: " << change;
  }
}

void ConformanceTest::Initialize() {
  ASSERT_THAT(f()->C_Initialize(nullptr), IsRv(CKR_OK));
  CK_ULONG count = 0;
  ASSERT_THAT(f()->C_GetSlotList(CK_TRUE, nullptr, &count), IsRv(CKR_OK));
  ASSERT_EQ(count, 1u);
  ASSERT_THAT(f()->C_GetSlotList(CK_TRUE, &slot_, &count), IsRv(CKR_OK));
}

void ConformanceTest::Reinitialize() {
  ASSERT_THAT(f()->C_Finalize(nullptr), IsRv(CKR_OK));
  ASSERT_NO_FATAL_FAILURE(Initialize());
}

CK_SESSION_HANDLE ConformanceTest::Open(bool read_write) {
  CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
  const CK_FLAGS flags = CKF_SERIAL_SESSION | (read_write ? CKF_RW_SESSION : 0);
  EXPECT_THAT(f()->C_OpenSession(slot_, flags, nullptr, nullptr, &h), IsRv(CKR_OK));
  return h;
}

CK_RV ConformanceTest::Login(CK_SESSION_HANDLE session, CK_USER_TYPE type, std::string_view pin) {
  std::string copy(pin);
  return f()->C_Login(session, type, reinterpret_cast<CK_UTF8CHAR*>(copy.data()), copy.size());
}

CK_SESSION_HANDLE ConformanceTest::UserSession(bool read_write) {
  CK_SESSION_HANDLE h = Open(read_write);
  EXPECT_THAT(Login(h, CKU_USER, kUserPin), IsRv(CKR_OK));
  return h;
}

CK_STATE ConformanceTest::StateOf(CK_SESSION_HANDLE session) {
  CK_SESSION_INFO info{};
  EXPECT_THAT(f()->C_GetSessionInfo(session, &info), IsRv(CKR_OK));
  return info.state;
}

CK_RV ConformanceTest::Create(CK_SESSION_HANDLE session, const AttrList& tmpl,
                              CK_OBJECT_HANDLE* object) {
  *object = CK_INVALID_HANDLE;
  return f()->C_CreateObject(session, Template(tmpl), tmpl.size(), object);
}

std::vector<CK_OBJECT_HANDLE> ConformanceTest::Find(CK_SESSION_HANDLE session,
                                                    const AttrList& tmpl) {
  std::vector<CK_OBJECT_HANDLE> found;
  EXPECT_THAT(f()->C_FindObjectsInit(session, Template(tmpl), tmpl.size()), IsRv(CKR_OK));
  for (;;) {
    CK_OBJECT_HANDLE batch[4];
    CK_ULONG n = 0;
    const CK_RV rv = f()->C_FindObjects(session, batch, 4, &n);
    EXPECT_THAT(rv, IsRv(CKR_OK));
    if (rv != CKR_OK || n == 0) break;
    found.insert(found.end(), batch, batch + n);
  }
  EXPECT_THAT(f()->C_FindObjectsFinal(session), IsRv(CKR_OK));
  return found;
}

CK_RV ConformanceTest::ReadAttribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                                     CK_ATTRIBUTE_TYPE type, Bytes* value) {
  CK_ATTRIBUTE a{type, nullptr, 0};
  if (CK_RV rv = f()->C_GetAttributeValue(session, object, &a, 1); rv != CKR_OK) return rv;
  if (a.ulValueLen == CK_UNAVAILABLE_INFORMATION || a.ulValueLen > (1u << 20)) {
    return CKR_GENERAL_ERROR;  // CKR_OK with no length breaks §5.7 C_GetAttributeValue
  }
  value->assign(a.ulValueLen, 0);
  a.pValue = value->empty() ? nullptr : value->data();
  if (value->empty()) return CKR_OK;
  const CK_RV rv = f()->C_GetAttributeValue(session, object, &a, 1);
  value->resize(std::min<std::size_t>(a.ulValueLen, value->size()));
  return rv;
}

Bytes ConformanceTest::Attribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                                 CK_ATTRIBUTE_TYPE type) {
  Bytes value;
  EXPECT_THAT(ReadAttribute(session, object, type, &value), IsRv(CKR_OK))
      << "reading attribute 0x" << std::hex << type;
  return value;
}

CK_ULONG ConformanceTest::UlongAttribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                                         CK_ATTRIBUTE_TYPE type) {
  const Bytes v = Attribute(session, object, type);
  CK_ULONG out = CK_UNAVAILABLE_INFORMATION;
  EXPECT_EQ(v.size(), sizeof out) << "attribute 0x" << std::hex << type;
  if (v.size() == sizeof out) std::memcpy(&out, v.data(), sizeof out);
  return out;
}

bool ConformanceTest::BoolAttribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                                    CK_ATTRIBUTE_TYPE type) {
  const Bytes v = Attribute(session, object, type);
  EXPECT_EQ(v.size(), 1u) << "attribute 0x" << std::hex << type;
  return v.size() == 1 && v[0] != CK_FALSE;
}

std::vector<CK_MECHANISM_TYPE> ConformanceTest::Mechanisms() {
  CK_ULONG count = 0;
  EXPECT_THAT(f()->C_GetMechanismList(slot_, nullptr, &count), IsRv(CKR_OK));
  std::vector<CK_MECHANISM_TYPE> list(count);
  EXPECT_THAT(f()->C_GetMechanismList(slot_, list.data(), &count), IsRv(CKR_OK));
  list.resize(std::min<std::size_t>(count, list.size()));
  return list;
}

bool ConformanceTest::Lists(CK_MECHANISM_TYPE mechanism) {
  const std::vector<CK_MECHANISM_TYPE> list = Mechanisms();
  return std::find(list.begin(), list.end(), mechanism) != list.end();
}

ossl::PkeyPtr ConformanceTest::GenerateOnCard(std::uint8_t piv_slot, piv::Algorithm alg) {
  MayChange(piv_slot);
  EXPECT_THAT(f()->C_Finalize(nullptr), IsRv(CKR_OK));
  ossl::PkeyPtr key;
  {
    auto transport = Connect(OnlySerial());
    if (transport == nullptr) return nullptr;
    PivClient piv(*transport);
    EXPECT_TRUE(piv.Select().ok());
    EXPECT_TRUE(piv.AuthenticateManagementKey().ok());
    if (alg == piv::Algorithm::kX25519) {
      key = GenerateX25519(piv, piv_slot);
    } else {
      auto generated = piv.Generate(piv_slot, alg);
      EXPECT_TRUE(generated.ok()) << generated.status().message();
      if (generated.ok()) key = std::move(generated).value();
    }
  }
  Initialize();
  return key;
}

CardInventory ConformanceTest::CardNow() {
  EXPECT_THAT(f()->C_Finalize(nullptr), IsRv(CKR_OK));
  CardInventory now;
  {
    auto transport = Connect(OnlySerial());
    if (transport != nullptr) {
      auto inventory = ReadCardInventory(*transport);
      EXPECT_TRUE(inventory.ok()) << inventory.status().message();
      if (inventory.ok()) now = std::move(inventory).value();
    }
  }
  Initialize();
  return now;
}

int ConformanceTest::CardOperations() const {
  int n = 0;
  for (const std::string& hex : TraceCommands(TracePath(dir_.path()))) {
    if (hex.size() >= 4 && (hex.compare(2, 2, "87") == 0)) ++n;
  }
  return n;
}

}  // namespace tessera::testing::conformance
