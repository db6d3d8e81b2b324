// ToolTest: OpenSC's pkcs11-tool and the openssl CLI against the module and
// a fresh, seeded tessera-sim of one token, for tests that check what real
// clients produce (keys, signatures, certificates) byte for byte.
//
// Public keys are read in-process through the module (InProcessToken), not
// with `pkcs11-tool --read-object --type pubkey`: pkcs11-tool 0.23 has a
// heap-use-after-free there of its own that ASan aborts on.
//
// Files live in the test's temporary directory. Used from the test thread.
#pragma once

#include <p11-kit/pkcs11.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "tests/integration/pkcs11/module_harness.hpp"
#include "tests/integration/sim_test_fixture.hpp"

namespace tessera::testing {

// The module loaded into the test process, initialized on the simulator of
// `run_dir` (through TESSERA_SIM_DIR, unset again on destruction), with one
// session on the first slot, logged in as the user when asked.
class InProcessToken {
 public:
  InProcessToken(const std::filesystem::path& run_dir, bool login);
  ~InProcessToken();
  InProcessToken(const InProcessToken&) = delete;
  InProcessToken& operator=(const InProcessToken&) = delete;

  bool ok() const { return session_ != CK_INVALID_HANDLE; }
  // Objects of class `cls` whose CKA_ID is the one byte `id`.
  std::vector<CK_OBJECT_HANDLE> Find(CK_OBJECT_CLASS cls, CK_BYTE id);
  // An attribute's value, or nullopt when the module refuses it.
  std::optional<Bytes> Attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);
  std::optional<CK_ULONG> UlongAttribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);

 private:
  LoadedModule module_;
  CK_SESSION_HANDLE session_ = CK_INVALID_HANDLE;
};

class ToolTest : public SimTest {
 protected:
  void SetUp() override;

  // `pkcs11-tool --module <module> args...`.
  CommandResult Tool(const std::vector<std::string>& args);
  // The same with `--login --pin 123456` first.
  CommandResult UserTool(const std::vector<std::string>& args);
  // `openssl args...`.
  CommandResult Openssl(const std::vector<std::string>& args);

  // `--keypairgen --key-type <key_type> --id <id>`; use with
  // ASSERT_NO_FATAL_FAILURE.
  void GenerateKey(const std::string& key_type, CK_BYTE id);
  // The public key with CKA_ID `id`, from its CKA_PUBLIC_KEY_INFO, written
  // as a PEM file; an empty path (and a test failure) when it cannot be.
  std::filesystem::path PublicKeyPem(CK_BYTE id);

  std::filesystem::path File(const std::string& name) const { return dir_.path() / name; }
};

// "01" for 0x01: the form pkcs11-tool's --id takes.
std::string IdHex(CK_BYTE id);
void WriteFile(const std::filesystem::path& path, ByteView bytes);
Bytes ReadBytes(const std::filesystem::path& path);

}  // namespace tessera::testing
