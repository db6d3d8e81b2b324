// Fuzzes the registration protocol's remaining decoders (seed 001): the
// user identification (common/registration/user_info.hpp), session records
// (records.hpp), the entitlement document the client checks
// (services/registration/config_doc.hpp) and the enrolment code as typed
// (codes.hpp). The first byte picks the decoder; the second is flags.
//
// Invariants, besides no crash and no sanitizer report:
//   - a decoded user identification encodes to exactly its input;
//   - a record sealed with the fixed key opens to its plaintext, and does
//     not open once a byte of it, or of its AAD, changes;
//   - a parsed document payload re-serializes to canonical JSON (RFC 8785)
//     that parses to the same document;
//   - a document VerifyConfig accepts, whether the input is a whole JWS or
//     a payload this fuzzer signs with the fixed gateway key (so the checks
//     after the signature are reached), is one the rules allow: the right
//     user ID code and key hash, not expired, not older than the version
//     applied, and it re-serializes as above;
//   - a normalized enrolment code is 20 characters of the base32 alphabet,
//     normalizes to itself, and hashes as its input does.
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/crypto/hash.hpp"
#include "common/crypto/private_ops.hpp"
#include "common/ossl.hpp"
#include "common/piv/key_material.hpp"
#include "common/registration/codes.hpp"
#include "common/registration/records.hpp"
#include "common/registration/server_certificate.hpp"
#include "common/registration/user_info.hpp"
#include "services/jose/jcs.hpp"
#include "services/registration/config_doc.hpp"

namespace {

using namespace tessera;
using namespace tessera::registration;

constexpr std::int64_t kNow = 1'800'000'000;
constexpr std::string_view kUidc = "UABCDEFGHIJKLMNO";

// Fixed P-256 keys (SEC1 DER), so that a saved input means the same in
// every run.
constexpr std::string_view kIssuerKey =
    "30770201010420cb9e4100c991b9cc2e2c19ccc3ab1399adcc9715a1aec541ff62b8495b7d2b71a00a06082a8648"
    "ce3d030107a14403420004981329f53395d80f55c1d8a5c2a4d41d012db7cb5c2393bd2332e155fd14a731728f00"
    "83ad0c13d356522329ea6c65b0715057242e9959d640d6c9e415aad712";
constexpr std::string_view kServerKey =
    "30770201010420e4a4f83e8268b94581d97cca6bc48e6e80a3c2d61d5c8f001b2f7eba63ef33e6a00a06082a8648"
    "ce3d030107a14403420004b209fe43821c2b5e7c9821d6e364eea0d6bd60aa6c729a40fd6443645385ba23a1606f"
    "445e41009ab86017d4b19e82faa67466fa8f3b0aca75f7c2c7179d3fc6";

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "fuzz_reg_documents: %s\n", what);
  std::abort();
}

template <typename T>
T Must(Result<T> r) {
  if (!r.ok()) Fail(r.status().ToString().c_str());
  return std::move(r).value();
}

ossl::PkeyPtr FixedKey(std::string_view hex) {
  return Must(ossl::PrivateKeyFromDer(Must(FromHex(hex))));
}

void AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ossl::X509ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) Fail(value);
}

// The gateway's certificate as the issuer CA makes it (profile
// registration-server), which CheckServerCertificate accepts.
Bytes GatewayCertificate(EVP_PKEY* issuer, EVP_PKEY* server) {
  ossl::X509Ptr cert(X509_new());
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 7);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("gateway"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(kNow - 3600));
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(kNow + 86400));
  X509_set_pubkey(cert.get(), server);
  AddExtension(cert.get(), NID_key_usage, "critical,keyAgreement,digitalSignature");
  AddExtension(cert.get(), NID_ext_key_usage, std::string(kRegServerOid).c_str());
  if (X509_sign(cert.get(), issuer, EVP_sha256()) <= 0) Fail("X509_sign");
  return Must(ossl::CertToDer(cert.get()));
}

struct World {
  ossl::PkeyPtr issuer = FixedKey(kIssuerKey);
  ossl::PkeyPtr server = FixedKey(kServerKey);
  Bytes certificate = GatewayCertificate(issuer.get(), server.get());
  Bytes issuer_point =
      Must(piv::EcPublicPoint(issuer.get(), *piv::CurveOf(piv::Algorithm::kEccP256)));
  Bytes spki_sha256 =
      Must(crypto::DigestOnce(crypto::Hash::kSha256, Must(ossl::PublicKeyToDer(server.get()))));
  Bytes record_key = Bytes(32, 0x5c);
  Bytes session_id = Bytes(16, 0x5e);
};

bool SameDocument(const ConfigDocument& a, const ConfigDocument& b) {
  if (a.version != b.version || a.user_id_code != b.user_id_code || a.issued_at != b.issued_at ||
      a.expires_at != b.expires_at || a.gateway_url != b.gateway_url ||
      a.certificate_sha256 != b.certificate_sha256 ||
      a.applications.size() != b.applications.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.applications.size(); ++i) {
    const ConfigApplication& x = a.applications[i];
    const ConfigApplication& y = b.applications[i];
    if (x.name != y.name || x.url_path != y.url_path || x.paths != y.paths ||
        x.settings != y.settings) {
      return false;
    }
  }
  return true;
}

// A parsed document re-serializes canonically, to the same document.
void CheckReserializes(const ConfigDocument& doc) {
  Result<std::string> payload = ConfigPayload(doc);
  if (!payload.ok()) Fail("a parsed document does not serialize");
  if (!Must(jose::IsCanonical(*payload))) Fail("ConfigPayload is not canonical");
  Result<ConfigDocument> again = ParseConfigPayload(*payload);
  if (!again.ok() || !SameDocument(doc, *again)) Fail("ConfigPayload does not parse back");
}

void UserInfoRoundTrip(ByteView input) {
  Result<UserInfo> info = DecodeUserInfo(input);
  if (!info.ok()) return;
  Result<Bytes> encoded = Encode(*info);
  if (!encoded.ok() || !std::equal(input.begin(), input.end(), encoded->begin(), encoded->end())) {
    Fail("a decoded user identification does not encode to its input");
  }
}

// flags bit 0: the direction, bits 1-3 the sequence number; the input is
// u8 AAD length, AAD, then the
// sealed record (mode 1) or the plaintext (mode 2).
void Records(const World& w, std::uint8_t flags, ByteView input, bool seal_first) {
  const Direction direction =
      (flags & 1) != 0 ? Direction::kServerToClient : Direction::kClientToServer;
  static constexpr std::uint64_t kSeqs[] = {
      1, 2, 0, 255, std::uint64_t{1} << 32, std::uint64_t{1} << 63, ~std::uint64_t{0}, 7};
  const std::uint64_t seq = kSeqs[(flags >> 1) & 7];
  if (input.empty()) return;
  const std::size_t aad_size = std::min<std::size_t>(input[0], input.size() - 1);
  const ByteView aad = input.subspan(1, aad_size);
  const ByteView body = input.subspan(1 + aad_size);
  if (!seal_first) {
    (void)OpenRecord(w.record_key, direction, seq, aad, body);
    return;
  }
  Result<Bytes> sealed = SealRecord(w.record_key, direction, seq, aad, body);
  if (!sealed.ok()) return;
  Result<SecureBytes> opened = OpenRecord(w.record_key, direction, seq, aad, *sealed);
  if (!opened.ok() ||
      !std::equal(body.begin(), body.end(), opened->view().begin(), opened->view().end())) {
    Fail("a sealed record does not open to its plaintext");
  }
  Bytes changed = *sealed;
  changed[body.size() % changed.size()] ^= 0x01;
  if (OpenRecord(w.record_key, direction, seq, aad, changed).ok()) Fail("a changed record opens");
  if (OpenRecord(w.record_key, direction, seq + 1, aad, *sealed).ok()) {
    Fail("a record opens at another sequence number");
  }
}

// flags bits 0-1: the version applied before (none, 0, 3, 2^40); bit 2:
// the host time a day later; bit 3 (Verify): the document applied before
// is this one.
ConfigCheck CheckOf(const World& w, std::uint8_t flags, const std::string& applied_jws) {
  ConfigCheck check;
  check.certificate = w.certificate;
  check.issuer_point = w.issuer_point;
  check.host_time = kNow + ((flags & 4) != 0 ? 86400 : 0);
  check.expected_spki_sha256 = w.spki_sha256;
  check.expected_uidc = std::string(kUidc);
  static constexpr std::int64_t kApplied[] = {-1, 0, 3, std::int64_t{1} << 40};
  if (kApplied[flags & 3] >= 0) check.applied_version = kApplied[flags & 3];
  check.applied_jws = applied_jws;
  return check;
}

void Verify(const World& w, std::uint8_t flags, const std::string& jws) {
  const ConfigCheck check = CheckOf(w, flags, (flags & 8) != 0 ? jws : "");
  Result<ConfigDocument> doc = VerifyConfig(jws, check);
  if (!doc.ok()) return;
  if (doc->user_id_code != kUidc || doc->certificate_sha256 != ToHex(w.spki_sha256) ||
      doc->expires_at <= static_cast<std::int64_t>(check.host_time) ||
      (check.applied_version && doc->version < *check.applied_version)) {
    Fail("VerifyConfig accepted a document its rules refuse");
  }
  CheckReserializes(*doc);
}

// The compact JWS of `payload` under the gateway key, as the gateway signs
// (empty if SignCompact refuses the payload).
std::string SignedByGateway(const World& w, const std::string& payload) {
  const jose::JwsSigner signer = [&](const std::string& input) -> Result<Bytes> {
    TESSERA_ASSIGN_OR_RETURN(Bytes digest,
                             crypto::DigestOnce(crypto::Hash::kSha256, AsBytes(input)));
    TESSERA_ASSIGN_OR_RETURN(Bytes der, crypto::EcdsaSignDigest(w.server.get(), digest));
    return jose::EcdsaDerToJose(der, 32);
  };
  Result<std::string> jws = jose::SignCompact(jose::JwsAlg::kEs256, std::string(kConfigType),
                                              ToHex(w.spki_sha256), payload, signer);
  return jws.ok() ? *jws : std::string();
}

void EnrolmentCode(std::string_view typed) {
  Result<std::string> code = NormalizeEnrolmentCode(typed);
  if (!code.ok()) return;
  if (code->size() != kEnrolmentCodeLength ||
      code->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != std::string::npos) {
    Fail("a normalized enrolment code is not 20 base32 characters");
  }
  Result<std::string> again = NormalizeEnrolmentCode(*code);
  if (!again.ok() || *again != *code) Fail("a normalized code does not normalize to itself");
  if (EnrolmentCodeHash(typed).value() != EnrolmentCodeHash(*code).value()) {
    Fail("a code and its normal form hash differently");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const World world;
  if (size < 2) return 0;
  const std::uint8_t flags = data[1];
  const ByteView input(data + 2, size - 2);
  const std::string text(input.begin(), input.end());
  switch (data[0] % 7) {
    case 0: UserInfoRoundTrip(input); break;
    case 1: Records(world, flags, input, false); break;
    case 2: Records(world, flags, input, true); break;
    case 3:
      if (Result<ConfigDocument> doc = ParseConfigPayload(text); doc.ok()) CheckReserializes(*doc);
      break;
    case 4: Verify(world, flags, text); break;
    case 5: Verify(world, flags, SignedByGateway(world, text)); break;
    default: EnrolmentCode(text); break;
  }
  return 0;
}
