// Test support for the PKCS#11 module: loads the built tessera-pkcs11.so with
// dlopen and runs real clients (pkcs11-tool) against it. The module path
// and, in sanitizer builds, the runtime a non-sanitized client must preload
// come from the build (TESSERA_P11_MODULE, TESSERA_SANITIZER_PRELOAD).
#pragma once

#include <p11-kit/pkcs11.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"

namespace tessera::testing {

// The module, dlopen'ed for the test's lifetime, and its function list.
class LoadedModule {
 public:
  LoadedModule();
  ~LoadedModule();
  LoadedModule(const LoadedModule&) = delete;
  LoadedModule& operator=(const LoadedModule&) = delete;

  bool ok() const { return functions_ != nullptr; }
  CK_FUNCTION_LIST* operator->() const { return functions_; }
  void* Symbol(const char* name) const;

 private:
  void* handle_ = nullptr;
  CK_FUNCTION_LIST* functions_ = nullptr;
};

std::filesystem::path ModulePath();

// RFC 7512 §2.3: a PKCS#11 URI attribute value, everything but unreserved
// characters percent-encoded ("Tessera PIV #1" -> "Tessera%20PIV%20%231").
std::string Pkcs11UriEncode(std::string_view s);
// A CKA_ID given in hex as a URI value, every byte percent-encoded ("01" -> "%01").
std::string Pkcs11UriEncodeHex(std::string_view hex);

// The first slot whose description starts with `prefix` (any slot when it
// is empty), after a rescan (C_GetSlotList with a NULL list first); with
// `with_token`, only slots holding a token. kNotFound names the prefix; a
// failing call is kInternal with its CK_RV.
Result<CK_SLOT_ID> SlotNamed(CK_FUNCTION_LIST* module, const std::string& prefix,
                             bool with_token = false);

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `argv` with TESSERA_SIM_DIR=run_dir (and the sanitizer preload when
// the module is sanitized), capturing its output.
CommandResult RunClient(const std::vector<std::string>& argv, const std::filesystem::path& run_dir);

}  // namespace tessera::testing
