// The audit checkpoint key inside the HSM (docs/audit.md "Checkpoints"): a
// signing key pair (hsm/signing_key.hpp) under one label, "tessera-audit" by
// default, P-256 unless asked otherwise. `tessera audit init` creates it;
// checkpoints only find it, so a checkpoint pointed at the wrong HSM fails
// instead of quietly signing with a new, unpinned key. Stateless; the
// session's thread.
#pragma once

#include <string>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "hsm/hsm_session.hpp"
#include "hsm/signing_key.hpp"

namespace tessera::audit {

inline constexpr const char* kDefaultKeyLabel = "tessera-audit";

// Generates the key pair; its DER SubjectPublicKeyInfo. kAlreadyExists when
// a key has `label`.
Result<Bytes> CreateCheckpointKey(hsm::HsmSession& session, const std::string& label,
                                  hsm::SigningKeyType type = hsm::SigningKeyType::kP256);

struct CheckpointKey {
  hsm::SigningKey key;
  Bytes public_key;  // DER SubjectPublicKeyInfo
};

// The existing key; kNotFound saying to run `tessera audit init`.
Result<CheckpointKey> FindCheckpointKey(hsm::HsmSession& session, const std::string& label);

}  // namespace tessera::audit
