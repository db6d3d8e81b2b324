#include "tests/integration/pkcs11/cold_start.hpp"

#include <openssl/x509.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "common/apdu.hpp"
#include "common/bytes.hpp"
#include "common/ossl.hpp"
#include "common/piv/piv_constants.hpp"
#include "common/tlv.hpp"
#include "tests/integration/piv_client.hpp"
#include "tests/integration/pkcs11/module_harness.hpp"

namespace tessera::testing {
namespace {

Status Failed(const char* call, CK_RV rv) {
  char code[24];
  std::snprintf(code, sizeof code, "0x%08lx", static_cast<unsigned long>(rv));
  return Status::Internal(std::string(call) + " returned " + code);
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
  AppendTlv(value, 0xFE, Bytes{});
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

}  // namespace

std::vector<std::string> TraceCommands(const std::filesystem::path& trace) {
  std::ifstream in(trace);
  std::string line;
  std::vector<std::string> commands;
  while (std::getline(in, line)) {
    const std::size_t at = line.find(" > ");
    if (at != std::string::npos) commands.push_back(line.substr(at + 3));
  }
  return commands;
}

std::string DescribeCommand(const std::string& hex) {
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
    if (tag.ok()) out.append(" ").append(ToHex(*tag));
  }
  if (command->ins == piv::ins::kGetMetadata) out.append(" ").append(ToHex(Bytes{command->p2}));
  return out;
}

std::string Breakdown(const std::vector<std::string>& commands) {
  std::ostringstream out;
  out << commands.size() << " APDUs:";
  for (const std::string& c : commands) out << " " << DescribeCommand(c) << ";";
  return out.str();
}

Status CertifyStandardSlots(host::Transport& transport) {
  PivClient piv(transport);
  TESSERA_RETURN_IF_ERROR(piv.Select());
  TESSERA_RETURN_IF_ERROR(piv.AuthenticateManagementKey());
  const std::pair<std::uint8_t, std::uint32_t> slots[] = {
      {piv::key::kAuthentication, piv::tag::kCertAuthentication},
      {piv::key::kSignature, piv::tag::kCertSignature},
      {piv::key::kKeyManagement, piv::tag::kCertKeyManagement},
      {piv::key::kCardAuthentication, piv::tag::kCertCardAuthentication},
  };
  for (const auto& [key_ref, container] : slots) {
    TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr key, piv.Generate(key_ref, piv::Algorithm::kEccP256));
    TESSERA_ASSIGN_OR_RETURN(
        Bytes der, IssueCertificate(key.get(), "Tessera economy " + std::to_string(key_ref)));
    TESSERA_RETURN_IF_ERROR(PutCertificate(piv, container, der));
  }
  return Status::Ok();
}

Result<ColdStart> RunColdStart(CK_FUNCTION_LIST* module, const std::filesystem::path& trace,
                               const std::string& slot_prefix) {
  ColdStart result;
  std::ostringstream per_step;
  std::size_t before = TraceCommands(trace).size();
  const std::size_t start = before;
  auto step = [&](const std::string& name) {
    const std::size_t total = TraceCommands(trace).size();
    per_step << name << "=" << total - before << "; ";
    before = total;
  };
  if (CK_RV rv = module->C_Initialize(nullptr); rv != CKR_OK) return Failed("C_Initialize", rv);
  step("C_Initialize");
  auto finalize_on_exit = [module](Status s) {
    module->C_Finalize(nullptr);
    return s;
  };
  Result<CK_SLOT_ID> slot = SlotNamed(module, slot_prefix, /*with_token=*/true);
  if (!slot.ok()) return finalize_on_exit(slot.status());
  step("C_GetSlotList");
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  if (CK_RV rv = module->C_OpenSession(*slot, CKF_SERIAL_SESSION, nullptr, nullptr, &session);
      rv != CKR_OK) {
    return finalize_on_exit(Failed("C_OpenSession", rv));
  }
  step("C_OpenSession");
  std::string pin(piv::kDefaultPin);
  if (CK_RV rv = module->C_Login(session, CKU_USER, reinterpret_cast<CK_UTF8CHAR*>(pin.data()),
                                 pin.size());
      rv != CKR_OK) {
    return finalize_on_exit(Failed("C_Login", rv));
  }
  step("C_Login");
  CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
  CK_BYTE id = 0x01;  // 9A
  CK_ATTRIBUTE find[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_ID, &id, sizeof id}};
  CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
  CK_ULONG found = 0;
  if (CK_RV rv = module->C_FindObjectsInit(session, find, 2); rv != CKR_OK) {
    return finalize_on_exit(Failed("C_FindObjectsInit", rv));
  }
  CK_RV find_rv = module->C_FindObjects(session, &key, 1, &found);
  module->C_FindObjectsFinal(session);
  if (find_rv != CKR_OK) return finalize_on_exit(Failed("C_FindObjects", find_rv));
  if (found != 1) return finalize_on_exit(Status::NotFound("no private key with CKA_ID 01"));
  step("C_FindObjects(private key, CKA_ID 01)");
  CK_MECHANISM ecdsa = {CKM_ECDSA, nullptr, 0};
  CK_BYTE digest[32] = {};
  for (std::size_t i = 0; i < sizeof digest; ++i) digest[i] = static_cast<CK_BYTE>(i);
  CK_BYTE signature[64] = {};
  CK_ULONG signature_len = sizeof signature;
  if (CK_RV rv = module->C_SignInit(session, &ecdsa, key); rv != CKR_OK) {
    return finalize_on_exit(Failed("C_SignInit", rv));
  }
  if (CK_RV rv = module->C_Sign(session, digest, sizeof digest, signature, &signature_len);
      rv != CKR_OK) {
    return finalize_on_exit(Failed("C_Sign", rv));
  }
  if (signature_len != 64) return finalize_on_exit(Status::Internal("signature not 64 bytes"));
  step("C_SignInit+C_Sign(CKM_ECDSA, 9A)");
  module->C_Finalize(nullptr);
  std::vector<std::string> commands = TraceCommands(trace);
  result.commands.assign(commands.begin() + static_cast<std::ptrdiff_t>(start), commands.end());
  result.per_step = per_step.str();
  return result;
}

}  // namespace tessera::testing
