#include "tests/bench/pkcs11/bench_backend.hpp"

namespace tessera::bench {

Result<std::unique_ptr<BenchBackend>> BenchBackend::Prepare(std::string name,
                                                            const std::string& module_path,
                                                            const std::string& pin,
                                                            std::size_t tokens, ByteView input) {
  std::unique_ptr<BenchBackend> backend(new BenchBackend(std::move(name)));
  TESSERA_ASSIGN_OR_RETURN(backend->module_, P11Module::Load(module_path));
  TESSERA_ASSIGN_OR_RETURN(std::vector<CK_SLOT_ID> slots, backend->module_->TokenSlots());
  if (slots.size() < tokens) {
    return Status::NotFound(module_path + ": " + std::to_string(slots.size()) +
                            " initialized token(s), the benchmark needs " + std::to_string(tokens));
  }
  for (std::size_t t = 0; t < tokens; ++t) {
    TESSERA_ASSIGN_OR_RETURN(P11Session session, P11Session::Open(*backend->module_, slots[t]));
    TESSERA_RETURN_IF_ERROR(session.Login(pin));
    backend->sessions_.push_back(std::move(session));
  }
  for (const KeySpec& spec : BenchKeySpecs()) {
    for (std::size_t t = 0; t < tokens; ++t) {
      Status made = backend->PrepareKey(t, spec, input);
      if (!made.ok()) {
        backend->failed_.emplace(spec.name, made);
        break;
      }
    }
  }
  return backend;
}

Status BenchBackend::PrepareKey(std::size_t token, const KeySpec& spec, ByteView input) {
  P11Session& session = sessions_[token];
  TESSERA_ASSIGN_OR_RETURN(KeyPair keys, session.Generate(spec));
  // A benchmark of wrong signatures would be worthless: check one.
  Bytes signature;
  TESSERA_RETURN_IF_ERROR(session.Sign(spec, keys.private_key, input, signature));
  TESSERA_RETURN_IF_ERROR(session.Verify(spec, keys.public_key, input, signature));
  keys_[spec.name].push_back(keys.private_key);
  return Status::Ok();
}

Result<std::vector<Signer>> BenchBackend::Signers(const KeySpec& spec, std::size_t count) {
  if (auto failed = failed_.find(spec.name); failed != failed_.end()) return failed->second;
  const auto& keys = keys_[spec.name];
  if (keys.size() < count) return Status::NotFound("not enough tokens");
  std::vector<Signer> signers;
  for (std::size_t t = 0; t < count; ++t) signers.push_back({&sessions_[t], &spec, keys[t]});
  return signers;
}

}  // namespace tessera::bench
