// The key schedule of the registration protocol (seed 001, issue 14;
// docs/registration-protocol.md): the transcript hashes and every key and
// MAC that the token, the gateway and the CLI derive, written once so that
// all three agree byte for byte.
//
// Primitives: SHA-256, HMAC-SHA-256, HKDF-SHA-256 (RFC 5869) and AES-256-GCM
// with a 16-byte tag (NIST SP 800-38D). Registration:
//   k1    = HKDF(salt TH1, IKM Z1,          "tessera reg v1 c2s")
//   k2    = HKDF(salt TH2, IKM SSK1,        "tessera reg v1 s2c")
//   K     = HKDF(salt TH3, IKM SSK1 || SSK2, "tessera reg v1 K")
//   Mconf = HMAC(K, "client" 00 "register" 00 TH3)
// Login (mutual authentication, then the session key):
//   Ms    = HMAC(K, "server" 00 "login" 00 TH_s)
//   Mc    = HMAC(K, "client" 00 "login" 00 TH_c)
//   Ks    = HKDF-Expand(K, "tessera reg v1 ses" || TH_c)
//   SES   = HKDF(salt Ks, IKM Z, "tessera reg v1 ses")
// Records under SES: one key per direction, nonce = direction (4 bytes) ||
// sequence number (8 bytes, big-endian), SP 800-38D §8.2.1.
//
// The seed's session key (E_K(N1) XOR N2) is not used: both halves cross
// the network, so anyone who records a login computes it. SES needs the
// ephemeral ECDH secret Z, which never crosses, and K.
//
// Every key, SSK, nonce and MAC is 32 bytes. Keys are SecureBytes. Errors:
// kInvalidArgument for inputs of the wrong size; Status::SignatureInvalid
// when a MAC or a GCM tag does not verify. Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"

namespace tessera::registration {

inline constexpr std::size_t kSecretSize = 32;  // SSK1, SSK2, K, SES, nonces
inline constexpr std::size_t kMacSize = 32;     // HMAC-SHA-256
inline constexpr std::size_t kHashSize = 32;    // SHA-256 transcript hashes
inline constexpr std::size_t kGcmTagSize = 16;

// The transcript contexts: registration (R0..R3) and login (A1..A3).
inline constexpr std::string_view kRegisterContext = "TSR1";
inline constexpr std::string_view kLoginContext = "TSA1";

// Who proves knowledge of K, and in which exchange. A MAC made for one
// role or phase never verifies as another (reflection fails).
enum class Role { kClient, kServer };
enum class Phase { kRegister, kLogin };

// SHA-256(context || parts...): TH1..TH3 over the exact message bytes.
[[nodiscard]] Result<Bytes> TranscriptHash(std::string_view context,
                                           std::initializer_list<ByteView> parts);

// k1, from the token's ephemeral ECDH with the server key (Z1).
[[nodiscard]] Result<SecureBytes> RequestKey(ByteView th1, ByteView z1);
// k2, from SSK1: only the holder of SSK1 opens the server's answer.
[[nodiscard]] Result<SecureBytes> AnswerKey(ByteView th2, ByteView ssk1);
// K, the shared secret of claims 1 and 2, from both halves.
[[nodiscard]] Result<SecureBytes> SharedSecret(ByteView th3, ByteView ssk1, ByteView ssk2);

// HMAC(K, role 00 phase 00 transcript_hash).
[[nodiscard]] Result<Bytes> ProofMac(ByteView k, Role role, Phase phase, ByteView transcript_hash);
// Ok when `mac` is ProofMac(k, role, phase, transcript_hash), compared in
// constant time; Status::SignatureInvalid otherwise.
[[nodiscard]] Status CheckProofMac(ByteView k, Role role, Phase phase, ByteView transcript_hash,
                                   ByteView mac);

// For a party whose K is an HSM object that can only HMAC (the gateway):
// ProofMac(k, ...) = HMAC(K, ProofInput(...)), Ks = HMAC(K,
// SessionSaltInput(TH_c)) (HKDF-Expand to one block is one HMAC, RFC 5869
// §2.3), and SES = SessionKeyFromSalt(Ks, Z) = SessionKey(K, TH_c, Z).
Bytes ProofInput(Role role, Phase phase, ByteView transcript_hash);
Bytes SessionSaltInput(ByteView th_client);
[[nodiscard]] Result<SecureBytes> SessionKeyFromSalt(ByteView ks, ByteView z);

// SES from K, the client's transcript hash and the login's ECDH secret Z.
[[nodiscard]] Result<SecureBytes> SessionKey(ByteView k, ByteView th_client, ByteView z);

// The record keys under SES, one per direction.
enum class Direction : std::uint32_t { kClientToServer = 1, kServerToClient = 2 };
[[nodiscard]] Result<SecureBytes> RecordKey(ByteView ses, Direction direction);
// The 12-byte GCM nonce of record `sequence` in `direction`.
Bytes RecordNonce(Direction direction, std::uint64_t sequence);

// AES-256-GCM under a key used for exactly one message (k1, k2): the IV is
// twelve zero bytes, which keeps (key, IV) unique because the key is fresh.
[[nodiscard]] Result<Bytes> SealOnce(ByteView key, ByteView aad, ByteView plaintext);
[[nodiscard]] Result<SecureBytes> OpenOnce(ByteView key, ByteView aad, ByteView sealed);

}  // namespace tessera::registration
