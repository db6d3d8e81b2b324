#include "pkcs11/api/operation_calls.hpp"

#include "pkcs11/api/mechanism_params.hpp"
#include "pkcs11/api/rv_map.hpp"
#include "pkcs11/api/session_access.hpp"

namespace tessera::p11::api {
namespace {

Status BadArguments() { return Refuse(Fault::kArgumentsBad, "a NULL pointer where data belongs"); }

}  // namespace

CK_RV InitOperation(CK_SESSION_HANDLE handle, OpKind kind, CK_MECHANISM_PTR mechanism,
                    CK_OBJECT_HANDLE key) {
  SessionAccess s = AccessSession(handle);
  if (s.rv != CKR_OK) return s.rv;
  Mechanism parsed;
  if (CK_RV rv = ReadMechanism(mechanism, &parsed); rv != CKR_OK) return rv;
  return ToRv(s.session->Start(kind, parsed, key));
}

CK_RV RunOperation(CK_SESSION_HANDLE handle, OpKind kind, CK_BYTE_PTR input, CK_ULONG input_len,
                   CK_BYTE_PTR output, CK_ULONG_PTR output_len) {
  SessionAccess s = AccessSession(handle);
  if (s.rv != CKR_OK) return s.rv;
  if (output_len == nullptr || (input == nullptr && input_len > 0)) {
    return ToRv(s.session->Reject(kind, BadArguments()));
  }
  OutputBuffer out(output, output_len);
  return out.Done(ToRv(s.session->Run(kind, ByteView(input, input_len), output, &out.size)));
}

CK_RV AbsorbPart(CK_SESSION_HANDLE handle, OpKind kind, CK_BYTE_PTR part, CK_ULONG part_len) {
  SessionAccess s = AccessSession(handle);
  if (s.rv != CKR_OK) return s.rv;
  if (part == nullptr && part_len > 0) return ToRv(s.session->Reject(kind, BadArguments()));
  return ToRv(s.session->Absorb(kind, ByteView(part, part_len)));
}

CK_RV UpdateOperation(CK_SESSION_HANDLE handle, OpKind kind, CK_BYTE_PTR part, CK_ULONG part_len,
                      CK_BYTE_PTR output, CK_ULONG_PTR output_len) {
  SessionAccess s = AccessSession(handle);
  if (s.rv != CKR_OK) return s.rv;
  if (output_len == nullptr || (part == nullptr && part_len > 0)) {
    return ToRv(s.session->Reject(kind, BadArguments()));
  }
  OutputBuffer out(output, output_len);
  return out.Done(ToRv(s.session->Update(kind, ByteView(part, part_len), output, &out.size)));
}

CK_RV FinishOperation(CK_SESSION_HANDLE handle, OpKind kind, CK_BYTE_PTR output,
                      CK_ULONG_PTR output_len) {
  SessionAccess s = AccessSession(handle);
  if (s.rv != CKR_OK) return s.rv;
  if (output_len == nullptr) return ToRv(s.session->Reject(kind, BadArguments()));
  OutputBuffer out(output, output_len);
  return out.Done(ToRv(s.session->Final(kind, output, &out.size)));
}

CK_RV VerifyOperation(CK_SESSION_HANDLE handle, CK_BYTE_PTR input, CK_ULONG input_len,
                      bool single_part, CK_BYTE_PTR signature, CK_ULONG signature_len) {
  SessionAccess s = AccessSession(handle);
  if (s.rv != CKR_OK) return s.rv;
  if (signature == nullptr || (single_part && input == nullptr && input_len > 0)) {
    return ToRv(s.session->Reject(OpKind::kVerify, BadArguments()));
  }
  return ToRv(s.session->Verify(single_part, ByteView(input, input_len),
                                ByteView(signature, signature_len)));
}

}  // namespace tessera::p11::api
