#include "tests/integration/pkcs11/module_harness.hpp"

#include <dlfcn.h>
#include <sys/wait.h>

#include <array>
#include <cctype>
#include <cstdio>

namespace tessera::testing {
namespace {

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::filesystem::path ModulePath() { return TESSERA_P11_MODULE; }

std::string Pkcs11UriEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string Pkcs11UriEncodeHex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += '%';
    out += hex.substr(i, 2);
  }
  return out;
}

LoadedModule::LoadedModule() {
  handle_ = ::dlopen(ModulePath().c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle_ == nullptr) return;
  auto get = reinterpret_cast<CK_C_GetFunctionList>(Symbol("C_GetFunctionList"));
  if (get == nullptr || get(&functions_) != CKR_OK) functions_ = nullptr;
}

LoadedModule::~LoadedModule() {
  if (functions_ != nullptr) functions_->C_Finalize(nullptr);
  if (handle_ != nullptr) ::dlclose(handle_);
}

void* LoadedModule::Symbol(const char* name) const { return ::dlsym(handle_, name); }

CommandResult RunClient(const std::vector<std::string>& argv,
                        const std::filesystem::path& run_dir) {
  std::string command = "env TESSERA_SIM_DIR=" + ShellQuote(run_dir.string());
  const std::string preload = TESSERA_SANITIZER_PRELOAD;
  if (!preload.empty()) {
    // A client built without sanitizers loads a sanitized module only with
    // the runtime preloaded; its own leaks are not ours to report.
    command += " LD_PRELOAD=" + ShellQuote(preload) + " ASAN_OPTIONS=detect_leaks=0";
  }
  for (const std::string& arg : argv) command.append(" ").append(ShellQuote(arg));
  command += " 2>&1";
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) result.output.append(buf.data(), n);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

Result<CK_SLOT_ID> SlotNamed(CK_FUNCTION_LIST* module, const std::string& prefix, bool with_token) {
  const CK_BBOOL present = with_token ? CK_TRUE : CK_FALSE;
  CK_ULONG count = 0;
  if (CK_RV rv = module->C_GetSlotList(present, nullptr, &count); rv != CKR_OK) {
    return Status::Internal("C_GetSlotList returned " + std::to_string(rv));
  }
  std::vector<CK_SLOT_ID> slots(count);
  if (CK_RV rv = module->C_GetSlotList(present, slots.data(), &count); rv != CKR_OK) {
    return Status::Internal("C_GetSlotList returned " + std::to_string(rv));
  }
  slots.resize(count);
  for (CK_SLOT_ID id : slots) {
    CK_SLOT_INFO info{};
    if (CK_RV rv = module->C_GetSlotInfo(id, &info); rv != CKR_OK) {
      return Status::Internal("C_GetSlotInfo returned " + std::to_string(rv));
    }
    std::string description(reinterpret_cast<const char*>(info.slotDescription),
                            sizeof info.slotDescription);
    if (description.rfind(prefix, 0) == 0) return id;
  }
  return Status::NotFound("no slot named '" + prefix + "...'");
}

}  // namespace tessera::testing
