// secret_wrap.hpp: AES-256-GCM under the registration KEK, for the session
// record keys at rest. MechanismSpec has no CK_GCM_PARAMS, so the calls are
// made here with the parameter on the stack for the length of one call.
#include <string>

#include "hsm/crypto_ops.hpp"
#include "hsm/pkcs11_error.hpp"
#include "hsm/secret_wrap.hpp"

namespace tessera::hsm {
namespace {

constexpr CK_ULONG kTagBits = kGcmTagBytes * 8;

struct GcmMechanism {
  CK_GCM_PARAMS params{};
  CK_MECHANISM mechanism{};

  // PKCS#11 takes non-const pointers but only reads the IV and the AAD.
  GcmMechanism(ByteView iv, ByteView aad) {
    params.pIv = const_cast<CK_BYTE*>(iv.data());  // NOLINT
    params.ulIvLen = static_cast<CK_ULONG>(iv.size());
    params.ulIvBits = static_cast<CK_ULONG>(iv.size() * 8);
    params.pAAD = aad.empty() ? nullptr : const_cast<CK_BYTE*>(aad.data());  // NOLINT
    params.ulAADLen = static_cast<CK_ULONG>(aad.size());
    params.ulTagBits = kTagBits;
    mechanism = CK_MECHANISM{CKM_AES_GCM, &params, sizeof params};
  }
};

std::string Doing(const HsmSession& session, std::string_view verb) {
  return std::string(verb) + " with the registration KEK (CKM_AES_GCM) on HSM token '" +
         session.token_label() + "'";
}

using InitFn = CK_RV (*)(CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE);
using RunFn = CK_RV (*)(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR);

// Init, then the single-part call with a buffer as large as the module says
// (PKCS#11 3.0 §5.2). `rv_out` receives the failing CK_RV.
Result<SecureBytes> Run(HsmSession& session, InitFn init, RunFn run, GcmMechanism& gcm,
                        CK_OBJECT_HANDLE kek, ByteView in, const std::string& doing,
                        CK_RV& rv_out) {
  if (CK_RV rv = init(session.handle(), &gcm.mechanism, kek); rv != CKR_OK) {
    rv_out = rv;
    return CkRvStatus(doing, "C_*Init", rv);
  }
  static CK_BYTE empty = 0;  // never a null input (crypto_ops.cpp: SoftHSM2)
  auto* data = in.empty() ? &empty : const_cast<CK_BYTE*>(in.data());  // NOLINT
  const auto size_in = static_cast<CK_ULONG>(in.size());
  CK_ULONG size = 0;
  if (CK_RV rv = run(session.handle(), data, size_in, nullptr, &size); rv != CKR_OK) {
    rv_out = rv;
    return CkRvStatus(doing, "C_Encrypt/C_Decrypt", rv);
  }
  SecureBytes out(size);
  if (CK_RV rv = run(session.handle(), data, size_in, out.data(), &size); rv != CKR_OK) {
    rv_out = rv;
    return CkRvStatus(doing, "C_Encrypt/C_Decrypt", rv);
  }
  out.Resize(size);
  return out;
}

}  // namespace

Result<Bytes> GcmSeal(HsmSession& session, CK_OBJECT_HANDLE kek, ByteView aad, ByteView plaintext) {
  // SP 800-38D §8.2.2: a random 96-bit IV per seal; the KEK seals far fewer
  // than 2^32 records (one per session).
  TESSERA_ASSIGN_OR_RETURN(SecureBytes iv, GenerateRandom(session, kGcmIvBytes));
  GcmMechanism gcm(iv.view(), aad);
  const CK_FUNCTION_LIST& f = session.library().functions();
  CK_RV rv = CKR_OK;
  TESSERA_ASSIGN_OR_RETURN(SecureBytes sealed, Run(session, f.C_EncryptInit, f.C_Encrypt, gcm, kek,
                                                   plaintext, Doing(session, "sealing"), rv));
  if (sealed.size() != plaintext.size() + kGcmTagBytes) {
    return Status::Internal("CKM_AES_GCM gave " + std::to_string(sealed.size()) + " bytes for " +
                            std::to_string(plaintext.size()));
  }
  Bytes out(iv.data(), iv.data() + iv.size());
  out.insert(out.end(), sealed.data(), sealed.data() + sealed.size());
  return out;
}

Result<SecureBytes> GcmOpen(HsmSession& session, CK_OBJECT_HANDLE kek, ByteView aad,
                            ByteView sealed) {
  if (sealed.size() < kGcmIvBytes + kGcmTagBytes) {
    return Status::InvalidArgument("a sealed record key blob is at least 28 bytes, not " +
                                   std::to_string(sealed.size()));
  }
  GcmMechanism gcm(sealed.first(kGcmIvBytes), aad);
  const CK_FUNCTION_LIST& f = session.library().functions();
  CK_RV rv = CKR_OK;
  Result<SecureBytes> plain = Run(session, f.C_DecryptInit, f.C_Decrypt, gcm, kek,
                                  sealed.subspan(kGcmIvBytes), Doing(session, "opening"), rv);
  // SP 800-38D §7.2: a tag that does not verify (other AAD, a changed byte,
  // another KEK); SoftHSM2 says CKR_ENCRYPTED_DATA_INVALID or
  // CKR_GENERAL_ERROR.
  if (!plain.ok() && (rv == CKR_ENCRYPTED_DATA_INVALID || rv == CKR_GENERAL_ERROR)) {
    return Status::SignatureInvalid("the sealed record keys do not open: " +
                                    plain.status().message());
  }
  return plain;
}

}  // namespace tessera::hsm
