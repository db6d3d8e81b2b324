#include "tests/bench/pkcs11/p11_client.hpp"

#include <dlfcn.h>

#include <cstdio>
#include <utility>

namespace tessera::bench {
namespace {

// Big enough for every signature here (RSA-2048: 256 bytes), so each
// signature is one C_Sign call, without a size query, in every module.
constexpr std::size_t kMaxSignature = 512;

CK_ATTRIBUTE Attribute(CK_ATTRIBUTE_TYPE type, void* value, CK_ULONG len) {
  return CK_ATTRIBUTE{type, value, len};
}

}  // namespace

Status P11Error(const char* function, CK_RV rv) {
  char text[96];
  (void)std::snprintf(text, sizeof text, "%s: CK_RV 0x%08lx", function, rv);
  return Status::Internal(text);
}

const std::vector<KeySpec>& BenchKeySpecs() {
  static const std::vector<KeySpec> kSpecs = {
      {"P-256", CKM_EC_KEY_PAIR_GEN, CKM_ECDSA, HexOrDie("06082a8648ce3d030107"), 0, 0x01},
      {"Ed25519", CKM_EC_EDWARDS_KEY_PAIR_GEN, CKM_EDDSA, HexOrDie("06032b6570"), 0, 0x03},
      {"RSA-2048", CKM_RSA_PKCS_KEY_PAIR_GEN, CKM_SHA256_RSA_PKCS, {}, 2048, 0x04},
  };
  return kSpecs;
}

Result<std::unique_ptr<P11Module>> P11Module::Load(const std::string& path) {
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) return Status::IoError("dlopen " + path + ": " + ::dlerror());
  auto get = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(handle, "C_GetFunctionList"));
  CK_FUNCTION_LIST* fn = nullptr;
  if (get == nullptr || get(&fn) != CKR_OK || fn == nullptr) {
    ::dlclose(handle);
    return Status::IoError(path + ": no C_GetFunctionList");
  }
  CK_C_INITIALIZE_ARGS args{};
  args.flags = CKF_OS_LOCKING_OK;
  if (CK_RV rv = fn->C_Initialize(&args); rv != CKR_OK) {
    ::dlclose(handle);
    return P11Error("C_Initialize", rv);
  }
  return std::unique_ptr<P11Module>(new P11Module(path, handle, fn));
}

P11Module::~P11Module() {
  (void)fn_->C_Finalize(nullptr);
  ::dlclose(handle_);
}

Result<std::vector<CK_SLOT_ID>> P11Module::TokenSlots() const {
  CK_ULONG count = 0;
  if (CK_RV rv = fn_->C_GetSlotList(CK_TRUE, nullptr, &count); rv != CKR_OK) {
    return P11Error("C_GetSlotList", rv);
  }
  std::vector<CK_SLOT_ID> slots(count);
  if (CK_RV rv = fn_->C_GetSlotList(CK_TRUE, slots.data(), &count); rv != CKR_OK) {
    return P11Error("C_GetSlotList", rv);
  }
  slots.resize(count);
  std::vector<CK_SLOT_ID> initialized;
  for (CK_SLOT_ID slot : slots) {
    CK_TOKEN_INFO info{};
    if (CK_RV rv = fn_->C_GetTokenInfo(slot, &info); rv != CKR_OK) {
      return P11Error("C_GetTokenInfo", rv);
    }
    if ((info.flags & CKF_TOKEN_INITIALIZED) != 0) initialized.push_back(slot);
  }
  return initialized;
}

Result<P11Session> P11Session::Open(const P11Module& module, CK_SLOT_ID slot) {
  CK_SESSION_HANDLE handle = CK_INVALID_HANDLE;
  CK_RV rv = module.fn()->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr,
                                        &handle);
  if (rv != CKR_OK) return P11Error("C_OpenSession", rv);
  return P11Session(module.fn(), handle);
}

P11Session::~P11Session() {
  if (handle_ != CK_INVALID_HANDLE) (void)fn_->C_CloseSession(handle_);
}

P11Session::P11Session(P11Session&& other) noexcept
    : fn_(other.fn_), handle_(std::exchange(other.handle_, CK_INVALID_HANDLE)) {}

Status P11Session::Login(const std::string& pin) {
  std::string copy = pin;  // C_Login takes a non-const pointer
  CK_RV rv =
      fn_->C_Login(handle_, CKU_USER, reinterpret_cast<CK_UTF8CHAR_PTR>(copy.data()), copy.size());
  if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) return P11Error("C_Login", rv);
  return Status::Ok();
}

Result<KeyPair> P11Session::Generate(const KeySpec& spec) {
  CK_BBOOL yes = CK_TRUE;
  CK_BYTE id = spec.id;
  CK_ULONG bits = spec.modulus_bits;
  CK_BYTE exponent[] = {0x01, 0x00, 0x01};
  Bytes params = spec.ec_params;
  std::vector<CK_ATTRIBUTE> pub = {
      Attribute(CKA_TOKEN, &yes, sizeof yes),
      Attribute(CKA_VERIFY, &yes, sizeof yes),
      Attribute(CKA_ID, &id, sizeof id),
  };
  if (spec.modulus_bits != 0) {
    pub.push_back(Attribute(CKA_MODULUS_BITS, &bits, sizeof bits));
    pub.push_back(Attribute(CKA_PUBLIC_EXPONENT, exponent, sizeof exponent));
  } else {
    pub.push_back(Attribute(CKA_EC_PARAMS, params.data(), params.size()));
  }
  std::vector<CK_ATTRIBUTE> priv = {
      Attribute(CKA_TOKEN, &yes, sizeof yes),     Attribute(CKA_PRIVATE, &yes, sizeof yes),
      Attribute(CKA_SENSITIVE, &yes, sizeof yes), Attribute(CKA_SIGN, &yes, sizeof yes),
      Attribute(CKA_ID, &id, sizeof id),
  };
  CK_MECHANISM mechanism{spec.generate, nullptr, 0};
  KeyPair keys;
  CK_RV rv = fn_->C_GenerateKeyPair(handle_, &mechanism, pub.data(), pub.size(), priv.data(),
                                    priv.size(), &keys.public_key, &keys.private_key);
  if (rv != CKR_OK) return P11Error("C_GenerateKeyPair", rv);
  return keys;
}

Status P11Session::Sign(const KeySpec& spec, CK_OBJECT_HANDLE key, ByteView data, Bytes& out) {
  CK_MECHANISM mechanism{spec.sign, nullptr, 0};
  if (CK_RV rv = fn_->C_SignInit(handle_, &mechanism, key); rv != CKR_OK) {
    return P11Error("C_SignInit", rv);
  }
  out.resize(kMaxSignature);
  CK_ULONG len = out.size();
  CK_RV rv =
      fn_->C_Sign(handle_, const_cast<CK_BYTE_PTR>(data.data()), data.size(), out.data(), &len);
  if (rv != CKR_OK) return P11Error("C_Sign", rv);
  out.resize(len);
  return Status::Ok();
}

Status P11Session::Verify(const KeySpec& spec, CK_OBJECT_HANDLE key, ByteView data,
                          ByteView signature) {
  CK_MECHANISM mechanism{spec.sign, nullptr, 0};
  if (CK_RV rv = fn_->C_VerifyInit(handle_, &mechanism, key); rv != CKR_OK) {
    return P11Error("C_VerifyInit", rv);
  }
  CK_RV rv = fn_->C_Verify(handle_, const_cast<CK_BYTE_PTR>(data.data()), data.size(),
                           const_cast<CK_BYTE_PTR>(signature.data()), signature.size());
  if (rv != CKR_OK) return P11Error("C_Verify", rv);
  return Status::Ok();
}

}  // namespace tessera::bench
