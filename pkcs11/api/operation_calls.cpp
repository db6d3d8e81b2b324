#include "pkcs11/api/operation_calls.hpp"

#include <cstring>

#include "pkcs11/api/mechanism_params.hpp"
#include "pkcs11/api/rv_map.hpp"
#include "pkcs11/api/session_access.hpp"

namespace tessera::p11::api {
namespace {

// Copies the operation's output by the §5.2 rules. `done` says whether the
// operation ends (it does unless the caller only asked for the size or
// gave too small a buffer).
CK_RV DeliverOutput(CryptoOperation& op, CK_BYTE_PTR output, CK_ULONG_PTR output_len, bool* done) {
  *done = true;
  if (output == nullptr) {
    if (auto known = op.KnownOutputSize()) {
      *output_len = *known;
      *done = false;
      return CKR_OK;
    }
  }
  auto out = op.Output();
  if (!out.ok()) return ToRv(out.status());
  if (output == nullptr) {
    *output_len = out->size();
    *done = false;
    return CKR_OK;
  }
  if (*output_len < out->size()) {
    *output_len = out->size();
    *done = false;
    return CKR_BUFFER_TOO_SMALL;
  }
  if (!out->empty()) std::memcpy(output, out->data(), out->size());
  *output_len = out->size();
  return CKR_OK;
}

}  // namespace

CK_RV InitOperation(CK_SESSION_HANDLE handle, OpKind kind, CK_MECHANISM_PTR mechanism,
                    CK_OBJECT_HANDLE key) {
  SessionAccess s = AccessSession(handle);
  if (s.rv != CKR_OK) return s.rv;
  Mechanism parsed;
  if (CK_RV rv = ReadMechanism(mechanism, &parsed); rv != CKR_OK) return rv;
  std::lock_guard lock(s.session.state->mu);
  auto& slot = s.session.state->Op(kind);
  if (slot != nullptr) return CKR_OPERATION_ACTIVE;
  auto op = CryptoOperation::Start(kind, *s.slot, key, parsed);
  if (!op.ok()) return ToRv(op.status());
  slot = std::move(*op);
  return CKR_OK;
}

CK_RV RunOperation(CK_SESSION_HANDLE handle, OpKind kind, CK_BYTE_PTR input, CK_ULONG input_len,
                   CK_BYTE_PTR output, CK_ULONG_PTR output_len) {
  SessionAccess s = AccessSession(handle);
  if (s.rv != CKR_OK) return s.rv;
  std::lock_guard lock(s.session.state->mu);
  auto& op = s.session.state->Op(kind);
  if (op == nullptr) return CKR_OPERATION_NOT_INITIALIZED;
  if (output_len == nullptr || (input == nullptr && input_len > 0)) {
    op.reset();
    return CKR_ARGUMENTS_BAD;
  }
  // A size query already took the input; the data must not count twice.
  if (!op->input_complete()) {
    if (Status u = op->Update(ByteView(input, input_len)); !u.ok()) {
      op.reset();
      return ToRv(u);
    }
  }
  op->MarkInputComplete();
  bool done = true;
  CK_RV rv = DeliverOutput(*op, output, output_len, &done);
  if (done || (rv != CKR_OK && rv != CKR_BUFFER_TOO_SMALL)) op.reset();
  return rv;
}

CK_RV UpdateOperation(CK_SESSION_HANDLE handle, OpKind kind, CK_BYTE_PTR part, CK_ULONG part_len) {
  SessionAccess s = AccessSession(handle);
  if (s.rv != CKR_OK) return s.rv;
  std::lock_guard lock(s.session.state->mu);
  auto& op = s.session.state->Op(kind);
  if (op == nullptr) return CKR_OPERATION_NOT_INITIALIZED;
  if (part == nullptr && part_len > 0) {
    op.reset();
    return CKR_ARGUMENTS_BAD;
  }
  Status u = op->Update(ByteView(part, part_len));
  if (!u.ok()) op.reset();
  return ToRv(u);
}

CK_RV CollectPart(CK_SESSION_HANDLE handle, OpKind kind, CK_BYTE_PTR part, CK_ULONG part_len,
                  CK_ULONG_PTR output_len) {
  if (output_len == nullptr) return CKR_ARGUMENTS_BAD;
  CK_RV rv = UpdateOperation(handle, kind, part, part_len);
  if (rv == CKR_OK) *output_len = 0;
  return rv;
}

CK_RV FinishOperation(CK_SESSION_HANDLE handle, OpKind kind, CK_BYTE_PTR output,
                      CK_ULONG_PTR output_len) {
  SessionAccess s = AccessSession(handle);
  if (s.rv != CKR_OK) return s.rv;
  std::lock_guard lock(s.session.state->mu);
  auto& op = s.session.state->Op(kind);
  if (op == nullptr) return CKR_OPERATION_NOT_INITIALIZED;
  if (output_len == nullptr) {
    op.reset();
    return CKR_ARGUMENTS_BAD;
  }
  op->MarkInputComplete();
  bool done = true;
  CK_RV rv = DeliverOutput(*op, output, output_len, &done);
  if (done || (rv != CKR_OK && rv != CKR_BUFFER_TOO_SMALL)) op.reset();
  return rv;
}

CK_RV VerifyOperation(CK_SESSION_HANDLE handle, CK_BYTE_PTR input, CK_ULONG input_len,
                      bool single_part, CK_BYTE_PTR signature, CK_ULONG signature_len) {
  SessionAccess s = AccessSession(handle);
  if (s.rv != CKR_OK) return s.rv;
  std::lock_guard lock(s.session.state->mu);
  auto& op = s.session.state->Op(OpKind::kVerify);
  if (op == nullptr) return CKR_OPERATION_NOT_INITIALIZED;
  std::unique_ptr<CryptoOperation> ending = std::move(op);  // verification always ends it
  if (signature == nullptr || (single_part && input == nullptr && input_len > 0)) {
    return CKR_ARGUMENTS_BAD;
  }
  if (single_part) {
    if (Status u = ending->Update(ByteView(input, input_len)); !u.ok()) return ToRv(u);
  }
  return ToRv(ending->Verify(ByteView(signature, signature_len)));
}

}  // namespace tessera::p11::api
