// Signing, verification, encryption, decryption and digests (PKCS#11 3.0
// §5.8–§5.12). Each entry point hands over to operation_calls.cpp.
#include <p11-kit/pkcs11.h>

#include "pkcs11/api/export.hpp"
#include "pkcs11/api/operation_calls.hpp"
#include "pkcs11/api/rv_map.hpp"

using tessera::p11::OpKind;
using tessera::p11::api::AbsorbPart;
using tessera::p11::api::FinishOperation;
using tessera::p11::api::Guard;
using tessera::p11::api::InitOperation;
using tessera::p11::api::RunOperation;
using tessera::p11::api::UpdateOperation;
using tessera::p11::api::VerifyOperation;

TESSERA_P11_EXPORT CK_RV C_SignInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k) {
  return Guard([&] { return InitOperation(h, OpKind::kSign, m, k); });
}
TESSERA_P11_EXPORT CK_RV C_Sign(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len,
                                CK_BYTE_PTR sig, CK_ULONG_PTR sig_len) {
  return Guard([&] { return RunOperation(h, OpKind::kSign, data, len, sig, sig_len); });
}
TESSERA_P11_EXPORT CK_RV C_SignUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR part, CK_ULONG len) {
  return Guard([&] { return AbsorbPart(h, OpKind::kSign, part, len); });
}
TESSERA_P11_EXPORT CK_RV C_SignFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR sig, CK_ULONG_PTR len) {
  return Guard([&] { return FinishOperation(h, OpKind::kSign, sig, len); });
}

TESSERA_P11_EXPORT CK_RV C_VerifyInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k) {
  return Guard([&] { return InitOperation(h, OpKind::kVerify, m, k); });
}
TESSERA_P11_EXPORT CK_RV C_Verify(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len,
                                  CK_BYTE_PTR sig, CK_ULONG sig_len) {
  return Guard([&] { return VerifyOperation(h, data, len, true, sig, sig_len); });
}
TESSERA_P11_EXPORT CK_RV C_VerifyUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR part, CK_ULONG len) {
  return Guard([&] { return AbsorbPart(h, OpKind::kVerify, part, len); });
}
TESSERA_P11_EXPORT CK_RV C_VerifyFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR sig, CK_ULONG len) {
  return Guard([&] { return VerifyOperation(h, nullptr, 0, false, sig, len); });
}

TESSERA_P11_EXPORT CK_RV C_EncryptInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m,
                                       CK_OBJECT_HANDLE k) {
  return Guard([&] { return InitOperation(h, OpKind::kEncrypt, m, k); });
}
TESSERA_P11_EXPORT CK_RV C_Encrypt(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len,
                                   CK_BYTE_PTR out, CK_ULONG_PTR out_len) {
  return Guard([&] { return RunOperation(h, OpKind::kEncrypt, data, len, out, out_len); });
}
TESSERA_P11_EXPORT CK_RV C_EncryptUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR part, CK_ULONG len,
                                         CK_BYTE_PTR out, CK_ULONG_PTR out_len) {
  return Guard([&] { return UpdateOperation(h, OpKind::kEncrypt, part, len, out, out_len); });
}
TESSERA_P11_EXPORT CK_RV C_EncryptFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR out,
                                        CK_ULONG_PTR out_len) {
  return Guard([&] { return FinishOperation(h, OpKind::kEncrypt, out, out_len); });
}

TESSERA_P11_EXPORT CK_RV C_DecryptInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m,
                                       CK_OBJECT_HANDLE k) {
  return Guard([&] { return InitOperation(h, OpKind::kDecrypt, m, k); });
}
TESSERA_P11_EXPORT CK_RV C_Decrypt(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len,
                                   CK_BYTE_PTR out, CK_ULONG_PTR out_len) {
  return Guard([&] { return RunOperation(h, OpKind::kDecrypt, data, len, out, out_len); });
}
TESSERA_P11_EXPORT CK_RV C_DecryptUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR part, CK_ULONG len,
                                         CK_BYTE_PTR out, CK_ULONG_PTR out_len) {
  return Guard([&] { return UpdateOperation(h, OpKind::kDecrypt, part, len, out, out_len); });
}
TESSERA_P11_EXPORT CK_RV C_DecryptFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR out,
                                        CK_ULONG_PTR out_len) {
  return Guard([&] { return FinishOperation(h, OpKind::kDecrypt, out, out_len); });
}

TESSERA_P11_EXPORT CK_RV C_DigestInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m) {
  return Guard([&] { return InitOperation(h, OpKind::kDigest, m, CK_INVALID_HANDLE); });
}
TESSERA_P11_EXPORT CK_RV C_Digest(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len,
                                  CK_BYTE_PTR out, CK_ULONG_PTR out_len) {
  return Guard([&] { return RunOperation(h, OpKind::kDigest, data, len, out, out_len); });
}
TESSERA_P11_EXPORT CK_RV C_DigestUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR part, CK_ULONG len) {
  return Guard([&] { return AbsorbPart(h, OpKind::kDigest, part, len); });
}
TESSERA_P11_EXPORT CK_RV C_DigestFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG_PTR out_len) {
  return Guard([&] { return FinishOperation(h, OpKind::kDigest, out, out_len); });
}
