#include "hsm/crypto_ops.hpp"

#include <string>

#include "hsm/pkcs11_error.hpp"

namespace tessera::hsm {
namespace {

std::string Doing(const HsmSession& session, std::string_view verb, std::string_view what,
                  const MechanismSpec& mechanism) {
  return std::string(verb) + " with " + std::string(what) + " (" + mechanism.Name() +
         ") on HSM token '" + session.token_label() + "'";
}

// The C_*Init / single-part call pairs share one shape.
using InitFn = CK_RV (*)(CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE);
using RunFn = CK_RV (*)(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR);

struct Operation {
  InitFn init;
  RunFn run;
  std::string_view init_name;
  std::string_view run_name;
};

// Init, then the call with a buffer as large as the module says it needs
// (PKCS#11 3.0 §5.2: a null output asks for the length and keeps the
// operation active).
Result<SecureBytes> Run(HsmSession& session, const Operation& op, MechanismSpec& mechanism,
                        CK_OBJECT_HANDLE key, ByteView data, const std::string& doing,
                        CK_RV* rv_out) {
  auto fail = [&](std::string_view function, CK_RV rv) {
    if (rv_out != nullptr) *rv_out = rv;
    return CkRvStatus(doing, function, rv);
  };
  if (CK_RV rv = op.init(session.handle(), mechanism.get(), key); rv != CKR_OK) {
    return fail(op.init_name, rv);
  }
  // PKCS#11 takes a non-const pointer but only reads the input. Never null:
  // SoftHSM2 answers a null input (even of length 0) with CKR_ARGUMENTS_BAD
  // and leaves the operation active, so the next Init would fail.
  static CK_BYTE empty = 0;
  auto* in = data.empty() ? &empty : const_cast<CK_BYTE*>(data.data());  // NOLINT
  const auto in_size = static_cast<CK_ULONG>(data.size());
  CK_ULONG size = 0;
  if (CK_RV rv = op.run(session.handle(), in, in_size, nullptr, &size); rv != CKR_OK) {
    return fail(op.run_name, rv);
  }
  SecureBytes out(size);
  if (CK_RV rv = op.run(session.handle(), in, in_size, out.data(), &size); rv != CKR_OK) {
    return fail(op.run_name, rv);
  }
  out.Resize(size);
  return out;
}

}  // namespace

Result<SecureBytes> GenerateRandom(HsmSession& session, std::size_t size) {
  SecureBytes out(size);
  CK_RV rv = session.library().functions().C_GenerateRandom(session.handle(), out.data(),
                                                            static_cast<CK_ULONG>(size));
  if (rv != CKR_OK) {
    return CkRvStatus("drawing random bytes on HSM token '" + session.token_label() + "'",
                      "C_GenerateRandom", rv);
  }
  return out;
}

Result<SecureBytes> Sign(HsmSession& session, MechanismSpec mechanism, CK_OBJECT_HANDLE key,
                         ByteView data, std::string_view what) {
  const CK_FUNCTION_LIST& f = session.library().functions();
  const Operation op{f.C_SignInit, f.C_Sign, "C_SignInit", "C_Sign"};
  return Run(session, op, mechanism, key, data, Doing(session, "signing", what, mechanism),
             nullptr);
}

Result<Bytes> Encrypt(HsmSession& session, MechanismSpec mechanism, CK_OBJECT_HANDLE key,
                      ByteView data, std::string_view what) {
  const CK_FUNCTION_LIST& f = session.library().functions();
  const Operation op{f.C_EncryptInit, f.C_Encrypt, "C_EncryptInit", "C_Encrypt"};
  TESSERA_ASSIGN_OR_RETURN(SecureBytes out,
                           Run(session, op, mechanism, key, data,
                               Doing(session, "encrypting", what, mechanism), nullptr));
  return Bytes(out.view().begin(), out.view().end());
}

Result<SecureBytes> Decrypt(HsmSession& session, MechanismSpec mechanism, CK_OBJECT_HANDLE key,
                            ByteView data, std::string_view what, CK_RV* rv_out) {
  const CK_FUNCTION_LIST& f = session.library().functions();
  const Operation op{f.C_DecryptInit, f.C_Decrypt, "C_DecryptInit", "C_Decrypt"};
  return Run(session, op, mechanism, key, data, Doing(session, "decrypting", what, mechanism),
             rv_out);
}

}  // namespace tessera::hsm
