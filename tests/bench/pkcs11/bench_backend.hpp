// One PKCS#11 module under benchmark, ready to sign: the module loaded, a
// logged-in session on each of its first `tokens` tokens, and on each token
// a key pair per BenchKeySpecs() entry, each checked once (sign + verify).
// A key type the module cannot generate is recorded, not fatal: its rows
// are reported as missing with the reason.
//
// Owns the module and the sessions (sessions close before the module
// finalizes). Built and used from the main thread; RunSignLoop lends the
// sessions to its threads.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/bench/pkcs11/p11_client.hpp"
#include "tests/bench/pkcs11/sign_loop.hpp"

namespace tessera::bench {

class BenchBackend {
 public:
  // `name` labels the output rows ("tessera", "softhsm2").
  static Result<std::unique_ptr<BenchBackend>> Prepare(std::string name,
                                                       const std::string& module_path,
                                                       const std::string& pin, std::size_t tokens,
                                                       ByteView input);

  const std::string& name() const { return name_; }
  std::size_t tokens() const { return sessions_.size(); }
  // One signer per token for the first `count` tokens, or why there are none.
  Result<std::vector<Signer>> Signers(const KeySpec& spec, std::size_t count);

 private:
  explicit BenchBackend(std::string name) : name_(std::move(name)) {}
  Status PrepareKey(std::size_t token, const KeySpec& spec, ByteView input);

  std::string name_;
  std::unique_ptr<P11Module> module_;
  std::vector<P11Session> sessions_;  // declared after module_: destroyed first
  // Per key type: the private key on each token, or the failure.
  std::map<std::string, std::vector<CK_OBJECT_HANDLE>> keys_;
  std::map<std::string, Status> failed_;
};

}  // namespace tessera::bench
