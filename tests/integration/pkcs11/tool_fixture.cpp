#include "tests/integration/pkcs11/tool_fixture.hpp"

#include <openssl/pem.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "common/ossl.hpp"
#include "common/piv/piv_constants.hpp"

namespace tessera::testing {

InProcessToken::InProcessToken(const std::filesystem::path& run_dir, bool login) {
  if (::setenv("TESSERA_SIM_DIR", run_dir.c_str(), 1) != 0 || !module_.ok()) {
    ADD_FAILURE() << "cannot load " << ModulePath();
    return;
  }
  CK_RV rv = module_->C_Initialize(nullptr);
  CK_SLOT_ID slot = 0;
  CK_ULONG count = 1;
  if (rv == CKR_OK) rv = module_->C_GetSlotList(CK_TRUE, &slot, &count);
  if (rv == CKR_OK && count != 1) rv = CKR_SLOT_ID_INVALID;
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  if (rv == CKR_OK) {
    rv = module_->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &session);
  }
  if (rv == CKR_OK && login) {
    std::string pin(piv::kDefaultPin);
    rv =
        module_->C_Login(session, CKU_USER, reinterpret_cast<CK_UTF8CHAR*>(pin.data()), pin.size());
  }
  if (rv != CKR_OK) {
    ADD_FAILURE() << "in-process module setup failed: CK_RV 0x" << std::hex << rv;
    return;
  }
  session_ = session;
}

InProcessToken::~InProcessToken() {
  if (session_ != CK_INVALID_HANDLE) module_->C_CloseSession(session_);
  ::unsetenv("TESSERA_SIM_DIR");
}  // module_ finalizes and unloads

std::vector<CK_OBJECT_HANDLE> InProcessToken::Find(CK_OBJECT_CLASS cls, CK_BYTE id) {
  CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_ID, &id, sizeof id}};
  std::vector<CK_OBJECT_HANDLE> out;
  if (module_->C_FindObjectsInit(session_, tmpl, 2) != CKR_OK) {
    ADD_FAILURE() << "C_FindObjectsInit";
    return out;
  }
  CK_OBJECT_HANDLE batch[16];
  CK_ULONG n = 0;
  while (module_->C_FindObjects(session_, batch, 16, &n) == CKR_OK && n > 0) {
    out.insert(out.end(), batch, batch + n);
  }
  EXPECT_EQ(module_->C_FindObjectsFinal(session_), CKR_OK);
  return out;
}

std::optional<Bytes> InProcessToken::Attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) {
  CK_ATTRIBUTE a = {type, nullptr, 0};
  if (module_->C_GetAttributeValue(session_, object, &a, 1) != CKR_OK) return std::nullopt;
  Bytes value(a.ulValueLen);
  a.pValue = value.data();
  if (module_->C_GetAttributeValue(session_, object, &a, 1) != CKR_OK) return std::nullopt;
  value.resize(a.ulValueLen);
  return value;
}

std::optional<CK_ULONG> InProcessToken::UlongAttribute(CK_OBJECT_HANDLE object,
                                                       CK_ATTRIBUTE_TYPE type) {
  CK_ULONG value = 0;
  CK_ATTRIBUTE a = {type, &value, sizeof value};
  if (module_->C_GetAttributeValue(session_, object, &a, 1) != CKR_OK) return std::nullopt;
  return value;
}

void ToolTest::SetUp() { ASSERT_NO_FATAL_FAILURE(StartSim({"--seed", "11"})); }

CommandResult ToolTest::Tool(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"pkcs11-tool", "--module", ModulePath().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunClient(argv, run_dir());
}

CommandResult ToolTest::UserTool(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"--login", "--pin", std::string(piv::kDefaultPin)};
  argv.insert(argv.end(), args.begin(), args.end());
  return Tool(argv);
}

CommandResult ToolTest::Openssl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunClient(argv, run_dir());
}

void ToolTest::GenerateKey(const std::string& key_type, CK_BYTE id) {
  CommandResult r = UserTool({"--keypairgen", "--key-type", key_type, "--id", IdHex(id)});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_NE(r.output.find("Key pair generated"), std::string::npos) << r.output;
}

std::filesystem::path ToolTest::PublicKeyPem(CK_BYTE id) {
  InProcessToken token(run_dir(), false);
  if (!token.ok()) return {};
  std::vector<CK_OBJECT_HANDLE> keys = token.Find(CKO_PUBLIC_KEY, id);
  if (keys.size() != 1) {
    ADD_FAILURE() << keys.size() << " public keys with ID " << IdHex(id);
    return {};
  }
  std::optional<Bytes> spki = token.Attribute(keys[0], CKA_PUBLIC_KEY_INFO);
  if (!spki) {
    ADD_FAILURE() << "no CKA_PUBLIC_KEY_INFO";
    return {};
  }
  auto key = ossl::PublicKeyFromDer(*spki);
  if (!key.ok()) {
    ADD_FAILURE() << key.status().message();
    return {};
  }
  std::filesystem::path path = File("pub-" + IdHex(id) + ".pem");
  ossl::BioPtr bio(BIO_new_file(path.c_str(), "w"));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key->get()) != 1) {
    ADD_FAILURE() << "writing " << path << ": " << ossl::DrainErrors();
    return {};
  }
  return path;
}

std::string IdHex(CK_BYTE id) { return ToHex(Bytes{id}); }

void WriteFile(const std::filesystem::path& path, ByteView bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << "writing " << path;
}

Bytes ReadBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace tessera::testing
