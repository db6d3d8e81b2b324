#include "pkcs11/core/session.hpp"

#include <algorithm>

namespace tessera::p11 {

Status Session::FindInit(const Template& tmpl) {
  std::lock_guard lock(mu_);
  if (found_) return Refuse(Fault::kOperationActive, "a search is under way");
  TESSERA_ASSIGN_OR_RETURN(std::vector<ObjectHandle> found, slot_.FindObjects(tmpl));
  std::reverse(found.begin(), found.end());  // handed out from the back
  found_ = std::move(found);
  return Status::Ok();
}

Result<std::vector<ObjectHandle>> Session::Find(std::size_t max) {
  std::lock_guard lock(mu_);
  if (!found_) return Refuse(Fault::kOperationNotInitialized, "no search");
  std::vector<ObjectHandle> out;
  while (out.size() < max && !found_->empty()) {
    out.push_back(found_->back());
    found_->pop_back();
  }
  return out;
}

Status Session::FindFinal() {
  std::lock_guard lock(mu_);
  if (!found_) return Refuse(Fault::kOperationNotInitialized, "no search");
  found_.reset();
  return Status::Ok();
}

Status Session::Start(OpKind kind, const Mechanism& mechanism, ObjectHandle key) {
  std::lock_guard lock(mu_);
  auto& op = ops_[static_cast<std::size_t>(kind)];
  if (op != nullptr) return Refuse(Fault::kOperationActive, "an operation is under way");
  TESSERA_ASSIGN_OR_RETURN(std::unique_ptr<OperationEngine> engine,
                           slot_.StartOperation(kind, mechanism, key));
  op = std::make_unique<ActiveOperation>(kind, std::move(engine));
  return Status::Ok();
}

Status Session::Run(OpKind kind, ByteView input, std::uint8_t* out, std::size_t* out_len) {
  return OnOperation(kind, [&](ActiveOperation& op) { return op.Run(input, out, out_len); });
}

Status Session::Absorb(OpKind kind, ByteView part) {
  return OnOperation(kind, [&](ActiveOperation& op) { return op.Absorb(part); });
}

Status Session::Update(OpKind kind, ByteView part, std::uint8_t* out, std::size_t* out_len) {
  return OnOperation(kind, [&](ActiveOperation& op) { return op.Update(part, out, out_len); });
}

Status Session::Final(OpKind kind, std::uint8_t* out, std::size_t* out_len) {
  return OnOperation(kind, [&](ActiveOperation& op) { return op.Final(out, out_len); });
}

Status Session::Verify(bool single_part, ByteView data, ByteView signature) {
  return OnOperation(OpKind::kVerify,
                     [&](ActiveOperation& op) { return op.Verify(single_part, data, signature); });
}

Status Session::Reject(OpKind kind, Status why) {
  std::lock_guard lock(mu_);
  ops_[static_cast<std::size_t>(kind)].reset();
  return why;
}

void Session::Cancel(const std::vector<OpKind>& kinds, bool search) {
  std::lock_guard lock(mu_);
  for (OpKind kind : kinds) ops_[static_cast<std::size_t>(kind)].reset();
  if (search) found_.reset();
}

bool Session::HasPrivateKeyOperation() const {
  std::lock_guard lock(mu_);
  return ops_[static_cast<std::size_t>(OpKind::kSign)] != nullptr ||
         ops_[static_cast<std::size_t>(OpKind::kDecrypt)] != nullptr;
}

}  // namespace tessera::p11
