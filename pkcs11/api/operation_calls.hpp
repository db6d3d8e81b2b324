// The shared shape of the sign, verify, encrypt, decrypt and digest entry
// points (PKCS#11 3.0 §5.8-§5.12): check the pointers, call the session,
// map the Status. The rules themselves (call order, §5.2 buffers, when an
// operation ends) are core/operation.hpp's.
#pragma once

#include <p11-kit/pkcs11.h>

#include "pkcs11/model/operation_engine.hpp"

namespace tessera::p11::api {

CK_RV InitOperation(CK_SESSION_HANDLE handle, OpKind kind, CK_MECHANISM_PTR mechanism,
                    CK_OBJECT_HANDLE key);
// The single-part call: `input` is all the data.
CK_RV RunOperation(CK_SESSION_HANDLE handle, OpKind kind, CK_BYTE_PTR input, CK_ULONG input_len,
                   CK_BYTE_PTR output, CK_ULONG_PTR output_len);
// C_SignUpdate, C_VerifyUpdate, C_DigestUpdate.
CK_RV AbsorbPart(CK_SESSION_HANDLE handle, OpKind kind, CK_BYTE_PTR part, CK_ULONG part_len);
// C_EncryptUpdate, C_DecryptUpdate.
CK_RV UpdateOperation(CK_SESSION_HANDLE handle, OpKind kind, CK_BYTE_PTR part, CK_ULONG part_len,
                      CK_BYTE_PTR output, CK_ULONG_PTR output_len);
CK_RV FinishOperation(CK_SESSION_HANDLE handle, OpKind kind, CK_BYTE_PTR output,
                      CK_ULONG_PTR output_len);
// C_Verify and C_VerifyFinal: `input` is null for Final.
CK_RV VerifyOperation(CK_SESSION_HANDLE handle, CK_BYTE_PTR input, CK_ULONG input_len,
                      bool single_part, CK_BYTE_PTR signature, CK_ULONG signature_len);

}  // namespace tessera::p11::api
