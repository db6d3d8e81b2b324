// A minimal PKCS#11 client for the benchmark, the same for every module
// (tessera-pkcs11.so, SoftHSM2): load a module, open a session on a slot,
// log in, generate a key pair, sign and verify.
//
// Ownership: P11Module owns the dlopen handle and the Cryptoki
// initialization (C_Initialize with CKF_OS_LOCKING_OK, so sessions may run
// in different threads); it must outlive its sessions. P11Session owns one
// session handle and closes it. Thread safety: a P11Module is shared, a
// P11Session is used by one thread at a time (PKCS#11 2.40 §6.7.6).
// Errors are Status with the function name and the CK_RV in hex.
#pragma once

#include <p11-kit/pkcs11.h>

#include <memory>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::bench {

// One key type as the benchmark uses it: how to generate it, how to sign.
struct KeySpec {
  const char* name;  // "P-256", "Ed25519", "RSA-2048"
  CK_MECHANISM_TYPE generate;
  CK_MECHANISM_TYPE sign;
  Bytes ec_params;            // empty for RSA
  CK_ULONG modulus_bits = 0;  // 0 for EC
  std::uint8_t id = 0;        // CKA_ID; on a Tessera token it picks the PIV slot
};

// P-256 (CKM_ECDSA on a digest), Ed25519 (CKM_EDDSA), RSA-2048
// (CKM_SHA256_RSA_PKCS), with CKA_IDs 01 (9A), 03 (9D), 04 (9E): the PIV
// slots that need no PIN per signature. 02 (9C) would.
const std::vector<KeySpec>& BenchKeySpecs();

// "C_Sign: CK_RV 0x00000005", as every error of this client reads.
Status P11Error(const char* function, CK_RV rv);

struct KeyPair {
  CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
};

class P11Module {
 public:
  static Result<std::unique_ptr<P11Module>> Load(const std::string& path);
  ~P11Module();  // C_Finalize, dlclose
  P11Module(const P11Module&) = delete;
  P11Module& operator=(const P11Module&) = delete;

  CK_FUNCTION_LIST* fn() const { return fn_; }
  const std::string& path() const { return path_; }
  // Slots holding an initialized token, in the module's order (SoftHSM2
  // also lists a free slot with an uninitialized token; it is left out).
  Result<std::vector<CK_SLOT_ID>> TokenSlots() const;

 private:
  P11Module(std::string path, void* handle, CK_FUNCTION_LIST* fn)
      : path_(std::move(path)), handle_(handle), fn_(fn) {}

  std::string path_;
  void* handle_ = nullptr;
  CK_FUNCTION_LIST* fn_ = nullptr;
};

class P11Session {
 public:
  // A read-write session on `slot`.
  static Result<P11Session> Open(const P11Module& module, CK_SLOT_ID slot);
  ~P11Session();
  P11Session(P11Session&& other) noexcept;
  P11Session& operator=(P11Session&& other) = delete;
  P11Session(const P11Session&) = delete;
  P11Session& operator=(const P11Session&) = delete;

  Status Login(const std::string& pin);
  // For calls this client does not wrap (key_ops.hpp).
  CK_FUNCTION_LIST* fn() const { return fn_; }
  CK_SESSION_HANDLE handle() const { return handle_; }
  // A token key pair allowed to sign (and verify).
  Result<KeyPair> Generate(const KeySpec& spec);
  // One C_SignInit + C_Sign; `out` is resized to the signature.
  Status Sign(const KeySpec& spec, CK_OBJECT_HANDLE key, ByteView data, Bytes& out);
  Status Verify(const KeySpec& spec, CK_OBJECT_HANDLE key, ByteView data, ByteView signature);

 private:
  P11Session(CK_FUNCTION_LIST* fn, CK_SESSION_HANDLE handle) : fn_(fn), handle_(handle) {}

  CK_FUNCTION_LIST* fn_ = nullptr;
  CK_SESSION_HANDLE handle_ = CK_INVALID_HANDLE;
};

}  // namespace tessera::bench
