#include "hsm/pkcs11_library.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <system_error>

#include "hsm/pkcs11_error.hpp"

namespace tessera::hsm {
namespace {

struct DlClose {
  void operator()(void* handle) const noexcept { ::dlclose(handle); }
};
using DlHandle = std::unique_ptr<void, DlClose>;

}  // namespace

Result<std::shared_ptr<const Pkcs11Library>> Pkcs11Library::Load(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status::NotFound("PKCS#11 module " + path + " does not exist");
  }
  ::dlerror();
  DlHandle handle(::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL));
  if (!handle) {
    const char* why = ::dlerror();
    // The path is a setting (hsm.module, TESSERA_HSM_MODULE): the user's to fix.
    return Status::InvalidArgument("cannot load PKCS#11 module " + path + ": " +
                                   (why != nullptr ? why : "dlopen failed"));
  }
  auto* get_list =
      reinterpret_cast<CK_C_GetFunctionList>(::dlsym(handle.get(), "C_GetFunctionList"));
  if (get_list == nullptr) {
    return Status::InvalidArgument(path + " is not a PKCS#11 module: no symbol C_GetFunctionList");
  }
  CK_FUNCTION_LIST* functions = nullptr;
  const std::string context = "loading PKCS#11 module " + path;
  if (CK_RV rv = get_list(&functions); rv != CKR_OK) {
    return CkRvStatus(context, "C_GetFunctionList", rv);
  }
  if (functions == nullptr || functions->C_Initialize == nullptr) {
    return Status::Internal(context + ": C_GetFunctionList gave no usable function list");
  }
  // No mutex callbacks: the module uses the OS's own locking (PKCS#11 3.0 §5.4).
  CK_C_INITIALIZE_ARGS args{};
  args.flags = CKF_OS_LOCKING_OK;
  if (CK_RV rv = functions->C_Initialize(&args); rv != CKR_OK) {
    return CkRvStatus(context, "C_Initialize", rv);
  }
  return std::shared_ptr<const Pkcs11Library>(new Pkcs11Library(path, handle.release(), functions));
}

Pkcs11Library::~Pkcs11Library() {
  functions_->C_Finalize(nullptr);
  ::dlclose(handle_);
}

}  // namespace tessera::hsm
