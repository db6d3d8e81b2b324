// RegGateway: the gateway's half of the registration protocol for the F3
// tests, written with common/registration alone (not the token's code): an
// issuer CA key, the gateway's key and its certificate, then R0, R2 and the
// check of R3, and for a login A2 and the check of A3. It keeps what a
// gateway would (K after R2, the login transcript) so a test can compare
// the two sides' K and SES. Test-only; not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/ossl.hpp"
#include "common/registration/messages.hpp"
#include "common/registration/server_certificate.hpp"
#include "common/secure_bytes.hpp"

namespace tessera::sim::pivtest {

inline constexpr std::uint64_t kRegNow = 1'800'000'000;  // 2027-01-15
inline constexpr std::string_view kUidc = "UABCDEFGH2345";

// What the gateway's certificate has; a test changes one thing.
struct CertShape {
  std::int64_t not_before = kRegNow - 3600;
  std::int64_t not_after = kRegNow + 86400;
  const char* key_usage = "critical,keyAgreement,digitalSignature";
  std::string extended_usage = std::string(registration::kRegServerOid);
  const char* basic_constraints = nullptr;
  EVP_PKEY* signer = nullptr;  // nullptr: the issuer
};

class RegGateway {
 public:
  // Fixed keys: the issuer from `issuer_fill`, the gateway from `server_fill`
  // (a scalar of that byte repeated), so runs are reproducible.
  explicit RegGateway(std::uint8_t issuer_fill = 0x1C, std::uint8_t server_fill = 0x5E);

  Bytes IssuerPoint() const;
  Bytes ServerSpkiHash() const;
  EVP_PKEY* server_key() const { return server_.get(); }
  Bytes Certificate(const CertShape& shape = {}) const;

  // R0 with `certificate` (the good one when empty) and a fresh Ns.
  Bytes Hello(Bytes certificate = {});
  // Opens R1, makes SSK2 and answers R2 (UIDC `uidc`); derives K. With
  // `plaintext`, seals that instead of SSK2 and the UIDC (K is then not
  // derived). nullopt when R1 does not open (the test fails).
  std::optional<Bytes> Answer(ByteView r1, std::string_view uidc = kUidc,
                              std::optional<Bytes> plaintext = std::nullopt);
  // What R1 carried: SSK1's owner's user identification.
  const Bytes& user_info() const { return user_info_; }
  bool CheckConfirm(ByteView r3) const;
  const SecureBytes& k() const { return k_; }
  // Replace K (a gateway holding another token's key).
  void SetK(ByteView k) { k_ = SecureBytes(k); }

  // A2 for `a1` with a fresh sid, Ns and Es, Ms under K.
  Bytes Challenge(ByteView a1);
  // Checks Mc in A3 and gives SES; nullopt when Mc is wrong.
  std::optional<Bytes> Finish(ByteView a3);

 private:
  ossl::PkeyPtr issuer_, server_;
  std::uint8_t counter_ = 0;
  Bytes r0_, th3_, user_info_;
  SecureBytes k_;
  Bytes a1_, a2_;
  ossl::PkeyPtr es_;
};

// A P-256 key from the scalar `fill` repeated.
ossl::PkeyPtr FixedP256(std::uint8_t fill);
// The REG BEGIN data: R0 || 84 host time || 85 user info.
Bytes RegBeginData(ByteView r0, std::uint64_t host_time = kRegNow,
                   ByteView user_info = Bytes{0xC0, 0x05, 'a', 'l', 'i', 'c', 'e'});

}  // namespace tessera::sim::pivtest
