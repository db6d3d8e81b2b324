#include "services/audit/checkpoint_key.hpp"

namespace tessera::audit {

Result<Bytes> CreateCheckpointKey(hsm::HsmSession& session, const std::string& label,
                                  hsm::SigningKeyType type) {
  TESSERA_ASSIGN_OR_RETURN(hsm::SigningKey key, hsm::GenerateSigningKey(session, type, label));
  return hsm::SigningPublicKeyInfo(session, key);
}

Result<CheckpointKey> FindCheckpointKey(hsm::HsmSession& session, const std::string& label) {
  auto key = hsm::FindSigningKey(session, label);
  if (key.status().code() == Code::kNotFound) {
    return Status::NotFound("no audit checkpoint key '" + label + "' on HSM '" +
                            session.token_label() + "' (create it with `tessera audit init`)");
  }
  TESSERA_RETURN_IF_ERROR(key.status());
  CheckpointKey found{std::move(key).value(), {}};
  TESSERA_ASSIGN_OR_RETURN(found.public_key, hsm::SigningPublicKeyInfo(session, found.key));
  return found;
}

}  // namespace tessera::audit
