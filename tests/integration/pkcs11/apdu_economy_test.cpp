// APDUs per operation, counted in the simulator's --trace file: the module
// must send no SELECT or VERIFY twice for nothing (issue 3, APDU economy).
#include <openssl/x509.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/ossl.hpp"
#include "common/piv/piv_constants.hpp"
#include "common/tlv.hpp"
#include "tests/integration/pkcs11/module_harness.hpp"
#include "tests/integration/sim_test_fixture.hpp"

namespace tessera::testing {
namespace {

// The command APDUs in the trace, as hex, in order (docs/tessera-sim.md: "> HEX").
std::vector<std::string> CommandsIn(const std::filesystem::path& trace) {
  std::ifstream in(trace);
  std::string line;
  std::vector<std::string> commands;
  while (std::getline(in, line)) {
    const std::size_t at = line.find(" > ");
    if (at != std::string::npos) commands.push_back(line.substr(at + 3));
  }
  return commands;
}

int CountCommandsIn(const std::filesystem::path& trace) {
  return static_cast<int>(CommandsIn(trace).size());
}

// A command APDU's name for the record: the INS, the object of a GET DATA,
// the key of a GET METADATA.
std::string Describe(const std::string& hex) {
  static const std::map<std::uint8_t, std::string> kNames = {
      {piv::ins::kSelect, "SELECT"},
      {piv::ins::kVerify, "VERIFY"},
      {piv::ins::kGetData, "GET DATA"},
      {piv::ins::kGeneralAuthenticate, "GENERAL AUTHENTICATE"},
      {piv::ins::kGetMetadata, "GET METADATA"},
      {piv::ins::kGetResponse, "GET RESPONSE"},
      {piv::ins::kGetVersion, "GET VERSION"},
      {piv::ins::kGetSerial, "GET SERIAL"},
      {piv::ins::kPutData, "PUT DATA"},
      {piv::ins::kGenerateAsymmetric, "GENERATE"},
  };
  auto raw = FromHex(hex);
  if (!raw.ok()) return "? " + hex;
  auto command = CommandApdu::Parse(*raw);
  if (!command.ok()) return "? " + hex;
  auto name = kNames.find(command->ins);
  std::string out = name != kNames.end() ? name->second : "INS " + ToHex(Bytes{command->ins});
  if (command->ins == piv::ins::kGetData) {
    auto tag = ParseSingle(command->data, 0x5C);  // SP 800-73-4 Part 2 §3.1.2
    if (tag.ok()) out += " " + ToHex(*tag);
  }
  if (command->ins == piv::ins::kGetMetadata) out += " " + ToHex(Bytes{command->p2});
  return out;
}

// A certificate for `subject_key`, issued by a throwaway host key: the
// module only needs a DER X.509 whose public key is the slot's.
Result<Bytes> IssueCertificate(EVP_PKEY* subject_key, const std::string& common_name) {
  ossl::PkeyPtr issuer(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  ossl::X509Ptr cert(X509_new());
  if (!issuer || !cert) return ossl::Error("making a certificate");
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1 ||
      X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L * 365) == nullptr ||
      X509_set_pubkey(cert.get(), subject_key) != 1 ||
      X509_sign(cert.get(), issuer.get(), EVP_sha256()) == 0) {
    return ossl::Error("making a certificate");
  }
  return ossl::CertToDer(cert.get());
}

// PUT DATA (SP 800-73-4 Part 2 §3.3.2) of a certificate container:
// 53 { 70 cert, 71 00, FE }.
Status PutCertificate(PivClient& piv, std::uint32_t container, ByteView der) {
  Bytes value = EncodeTlv(0x70, der);
  AppendTlv(value, 0x71, Bytes{0x00});
  AppendTlv(value, 0xFE, {});
  Bytes tag = {static_cast<std::uint8_t>(container >> 16),
               static_cast<std::uint8_t>(container >> 8), static_cast<std::uint8_t>(container)};
  CommandApdu put;
  put.ins = piv::ins::kPutData;
  put.p1 = 0x3F;
  put.p2 = 0xFF;
  put.data = EncodeTlv(0x5C, tag);
  AppendTlv(put.data, 0x53, value);
  TESSERA_ASSIGN_OR_RETURN(ResponseApdu r, piv.Send(put));
  if (!r.ok()) return Status::Internal("PUT DATA answered SW " + std::to_string(r.sw));
  return Status::Ok();
}

TEST_F(SimTest, ALoginCostsOneSelectAndOneVerifyAndTokenInfoIsReadOnce) {
  const std::filesystem::path trace = dir_.path() / "trace.log";
  ASSERT_NO_FATAL_FAILURE(StartSim({"--trace", trace.string()}));
  ASSERT_EQ(::setenv("TESSERA_SIM_DIR", run_dir().c_str(), 1), 0);
  LoadedModule module;
  ASSERT_TRUE(module.ok());

  ASSERT_EQ(module->C_Initialize(nullptr), CKR_OK);
  CK_SLOT_ID slot = 0;
  CK_ULONG count = 0;
  ASSERT_EQ(module->C_GetSlotList(CK_TRUE, nullptr, &count), CKR_OK);
  ASSERT_EQ(module->C_GetSlotList(CK_TRUE, &slot, &count), CKR_OK);
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  ASSERT_EQ(module->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &session), CKR_OK);
  EXPECT_EQ(CountCommandsIn(trace), 0) << "initialize, slot list and session need no card I/O";

  std::string pin(piv::kDefaultPin);
  ASSERT_EQ(
      module->C_Login(session, CKU_USER, reinterpret_cast<CK_UTF8CHAR*>(pin.data()), pin.size()),
      CKR_OK);
  EXPECT_EQ(CountCommandsIn(trace), 2) << "SELECT, VERIFY";

  CK_TOKEN_INFO info{};
  ASSERT_EQ(module->C_GetTokenInfo(slot, &info), CKR_OK);
  EXPECT_EQ(CountCommandsIn(trace), 5) << "GET VERSION, GET SERIAL, GET METADATA (PIN)";
  ASSERT_EQ(module->C_GetTokenInfo(slot, &info), CKR_OK);
  EXPECT_EQ(CountCommandsIn(trace), 5) << "cached for the insertion";
  ::unsetenv("TESSERA_SIM_DIR");
}

// A token with a P-256 key and a certificate in each standard slot, set up
// with the test's own PIV client (not the module), then met cold by the
// module in a restarted simulator that traces every APDU.
class ColdStartTest : public SimTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartSim({"--seed", "3"}));
    ASSERT_NO_FATAL_FAILURE(CertifyStandardSlots());
    ASSERT_NO_FATAL_FAILURE(StopSim());
    ASSERT_NO_FATAL_FAILURE(StartSim({"--seed", "3", "--trace", trace().string()}));
    ASSERT_EQ(::setenv("TESSERA_SIM_DIR", run_dir().c_str(), 1), 0);
  }
  void TearDown() override { ::unsetenv("TESSERA_SIM_DIR"); }

  std::filesystem::path trace() const { return dir_.path() / "trace.log"; }

 private:
  void CertifyStandardSlots() {
    auto transport = Connect(OnlySerial());
    ASSERT_NE(transport, nullptr);
    PivClient piv(*transport);
    ASSERT_TRUE(piv.Select().ok());
    ASSERT_TRUE(piv.AuthenticateManagementKey().ok());
    const std::pair<std::uint8_t, std::uint32_t> slots[] = {
        {piv::key::kAuthentication, piv::tag::kCertAuthentication},
        {piv::key::kSignature, piv::tag::kCertSignature},
        {piv::key::kKeyManagement, piv::tag::kCertKeyManagement},
        {piv::key::kCardAuthentication, piv::tag::kCertCardAuthentication},
    };
    for (const auto& [key_ref, container] : slots) {
      auto key = piv.Generate(key_ref, piv::Algorithm::kEccP256);
      ASSERT_TRUE(key.ok()) << key.status().message();
      auto der = IssueCertificate(key->get(), "Tessera economy " + std::to_string(key_ref));
      ASSERT_TRUE(der.ok()) << der.status().message();
      Status put = PutCertificate(piv, container, *der);
      ASSERT_TRUE(put.ok()) << put.message();
    }
  }
};

// "8 APDUs: SELECT; VERIFY; ..." for the record.
std::string Breakdown(const std::vector<std::string>& commands) {
  std::ostringstream out;
  out << commands.size() << " APDUs:";
  for (const std::string& c : commands) out << " " << Describe(c) << ";";
  return out.str();
}

// The budget of docs/pkcs11-module.md: a cold start to the first signature
// on a token holding 4 certificates takes 8 APDUs or fewer.
TEST_F(ColdStartTest, TheFirstSignatureWithFourCertificatesTakesAtMostEightApdus) {
  LoadedModule module;
  ASSERT_TRUE(module.ok());
  std::ostringstream per_step;
  int before = 0;
  auto step = [&](const std::string& name) {
    const int total = CountCommandsIn(trace());
    per_step << name << "=" << total - before << "; ";
    before = total;
  };
  ASSERT_EQ(module->C_Initialize(nullptr), CKR_OK);
  step("C_Initialize");
  CK_SLOT_ID slot = 0;
  CK_ULONG count = 0;
  ASSERT_EQ(module->C_GetSlotList(CK_TRUE, nullptr, &count), CKR_OK);
  ASSERT_EQ(count, 1u);
  ASSERT_EQ(module->C_GetSlotList(CK_TRUE, &slot, &count), CKR_OK);
  step("C_GetSlotList");
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  ASSERT_EQ(module->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &session), CKR_OK);
  step("C_OpenSession");
  std::string pin(piv::kDefaultPin);
  ASSERT_EQ(
      module->C_Login(session, CKU_USER, reinterpret_cast<CK_UTF8CHAR*>(pin.data()), pin.size()),
      CKR_OK);
  step("C_Login");

  CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
  CK_BYTE id = 0x01;  // 9A
  CK_ATTRIBUTE find[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_ID, &id, sizeof id}};
  ASSERT_EQ(module->C_FindObjectsInit(session, find, 2), CKR_OK);
  CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
  CK_ULONG found = 0;
  ASSERT_EQ(module->C_FindObjects(session, &key, 1, &found), CKR_OK);
  ASSERT_EQ(module->C_FindObjectsFinal(session), CKR_OK);
  ASSERT_EQ(found, 1u);
  step("C_FindObjects(private key, CKA_ID 01)");

  CK_MECHANISM ecdsa = {CKM_ECDSA, nullptr, 0};
  ASSERT_EQ(module->C_SignInit(session, &ecdsa, key), CKR_OK);
  CK_BYTE digest[32] = {};
  for (std::size_t i = 0; i < sizeof digest; ++i) digest[i] = static_cast<CK_BYTE>(i);
  CK_BYTE signature[64] = {};
  CK_ULONG signature_len = sizeof signature;
  ASSERT_EQ(module->C_Sign(session, digest, sizeof digest, signature, &signature_len), CKR_OK);
  EXPECT_EQ(signature_len, 64u);
  step("C_SignInit+C_Sign(CKM_ECDSA, 9A)");

  const std::vector<std::string> commands = CommandsIn(trace());
  RecordProperty("apdus", static_cast<int>(commands.size()));
  RecordProperty("apdu_list", Breakdown(commands));
  RecordProperty("apdus_per_step", per_step.str());
  std::cout << "[ APDU economy ] " << Breakdown(commands) << "\n"
            << "[ APDU economy ] per step: " << per_step.str() << "\n";
  EXPECT_LE(commands.size(), 8u) << Breakdown(commands);
}

// A search by CKA_ID asks GET METADATA of that ID's slot only; a search
// without one reads the rest, and no key shows up twice.
TEST_F(SimTest, ASearchByIdReadsTheMetadataOfThatSlotOnly) {
  const std::filesystem::path trace = dir_.path() / "trace.log";
  ASSERT_NO_FATAL_FAILURE(StartSim({"--seed", "4", "--trace", trace.string()}));
  {
    auto transport = Connect(OnlySerial());
    ASSERT_NE(transport, nullptr);
    PivClient piv(*transport);
    ASSERT_TRUE(piv.Select().ok());
    ASSERT_TRUE(piv.AuthenticateManagementKey().ok());
    ASSERT_TRUE(piv.Generate(piv::key::kRetiredFirst, piv::Algorithm::kEccP256).ok());
  }
  ASSERT_EQ(::setenv("TESSERA_SIM_DIR", run_dir().c_str(), 1), 0);
  LoadedModule module;
  ASSERT_TRUE(module.ok());
  ASSERT_EQ(module->C_Initialize(nullptr), CKR_OK);
  CK_SLOT_ID slot = 0;
  CK_ULONG count = 1;
  ASSERT_EQ(module->C_GetSlotList(CK_TRUE, &slot, &count), CKR_OK);
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  ASSERT_EQ(module->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &session), CKR_OK);
  std::string pin(piv::kDefaultPin);
  ASSERT_EQ(
      module->C_Login(session, CKU_USER, reinterpret_cast<CK_UTF8CHAR*>(pin.data()), pin.size()),
      CKR_OK);
  auto find = [&](CK_ATTRIBUTE* tmpl, CK_ULONG n) {
    std::vector<CK_OBJECT_HANDLE> out(32);
    CK_ULONG got = 0;
    EXPECT_EQ(module->C_FindObjectsInit(session, tmpl, n), CKR_OK);
    EXPECT_EQ(module->C_FindObjects(session, out.data(), out.size(), &got), CKR_OK);
    EXPECT_EQ(module->C_FindObjectsFinal(session), CKR_OK);
    out.resize(got);
    return out;
  };
  CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
  CK_BYTE id = 0x05;  // 82
  CK_ATTRIBUTE by_id[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_ID, &id, sizeof id}};

  int before = CountCommandsIn(trace);
  EXPECT_EQ(find(by_id, 2).size(), 1u);
  std::vector<std::string> commands = CommandsIn(trace);
  commands.erase(commands.begin(), commands.begin() + before);
  EXPECT_EQ(Breakdown(commands),
            "6 APDUs: GET DATA 5fc105; GET DATA 5fc10a; GET DATA 5fc10b; GET DATA 5fc101; "
            "GET DATA 5fc10c; GET METADATA 82;");

  before = CountCommandsIn(trace);
  CK_ATTRIBUTE any_private[] = {{CKA_CLASS, &cls, sizeof cls}};
  EXPECT_EQ(find(any_private, 1).size(), 1u) << "the key of 82 is not read twice";
  EXPECT_EQ(CountCommandsIn(trace) - before, 23) << "GET METADATA of the other 23 key slots";
  before = CountCommandsIn(trace);
  EXPECT_EQ(find(by_id, 2).size(), 1u);
  EXPECT_EQ(CountCommandsIn(trace), before) << "every slot is known now";
  ::unsetenv("TESSERA_SIM_DIR");
}

}  // namespace
}  // namespace tessera::testing
