// The shared shape of the sign, verify, encrypt, decrypt and digest entry
// points (PKCS#11 2.40 §5.8–§5.12): Init starts an operation, the
// single-part call and Final return output by the §5.2 buffer rules (a NULL
// buffer asks for the size; a short one is CKR_BUFFER_TOO_SMALL; both leave
// the operation active), and any other error ends the operation.
#pragma once

#include <p11-kit/pkcs11.h>

#include "pkcs11/core/operation.hpp"

namespace tessera::p11::api {

CK_RV InitOperation(CK_SESSION_HANDLE handle, OpKind kind, CK_MECHANISM_PTR mechanism,
                    CK_OBJECT_HANDLE key);
// The single-part call: `input` is all the data.
CK_RV RunOperation(CK_SESSION_HANDLE handle, OpKind kind, CK_BYTE_PTR input, CK_ULONG input_len,
                   CK_BYTE_PTR output, CK_ULONG_PTR output_len);
CK_RV UpdateOperation(CK_SESSION_HANDLE handle, OpKind kind, CK_BYTE_PTR part, CK_ULONG part_len);
// C_EncryptUpdate and C_DecryptUpdate: RSA works on the whole message, so a
// part is collected and no output comes before Final (*output_len = 0).
CK_RV CollectPart(CK_SESSION_HANDLE handle, OpKind kind, CK_BYTE_PTR part, CK_ULONG part_len,
                  CK_ULONG_PTR output_len);
CK_RV FinishOperation(CK_SESSION_HANDLE handle, OpKind kind, CK_BYTE_PTR output,
                      CK_ULONG_PTR output_len);
// C_Verify and C_VerifyFinal: `input` is null for Final.
CK_RV VerifyOperation(CK_SESSION_HANDLE handle, CK_BYTE_PTR input, CK_ULONG input_len,
                      bool single_part, CK_BYTE_PTR signature, CK_ULONG signature_len);

}  // namespace tessera::p11::api
