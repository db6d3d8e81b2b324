#include "tools/tessera/reg_client.hpp"

#include <openssl/sha.h>
#include <openssl/x509.h>

#include <nlohmann/json.hpp>

#include "common/ossl.hpp"
#include "common/piv/piv_constants.hpp"
#include "common/registration/key_schedule.hpp"
#include "common/registration/records.hpp"
#include "common/registration/user_info.hpp"
#include "common/tlv.hpp"
#include "services/jose/jws.hpp"
#include "tools/tessera/client/https_problem.hpp"

namespace tessera::cli {
namespace {

using nlohmann::json;

Result<Bytes> B64Field(const json& j, const char* name, const char* step) {
  if (!j.contains(name) || !j[name].is_string()) {
    return Status::InvalidArgument(std::string(step) + ": the gateway's answer has no " + name);
  }
  Result<Bytes> bytes = jose::Base64UrlDecode(j[name].get<std::string>());
  if (!bytes.ok()) {
    return Status::InvalidArgument(std::string(step) + ": " + name + " is not base64url");
  }
  return bytes;
}

Result<std::string> StringField(const json& j, const char* name, const char* step) {
  if (!j.contains(name) || !j[name].is_string()) {
    return Status::InvalidArgument(std::string(step) + ": the gateway's answer has no " + name);
  }
  return j[name].get<std::string>();
}

// SHA-256 of a DER certificate's SubjectPublicKeyInfo: the ID the token gives
// the registration key of that gateway.
Result<Bytes> SpkiHash(ByteView certificate) {
  const unsigned char* p = certificate.data();
  ossl::X509Ptr x509(d2i_X509(nullptr, &p, static_cast<long>(certificate.size())));
  if (!x509) return ossl::Error("d2i_X509");
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(X509_get0_pubkey(x509.get()), &der);
  if (size <= 0) return ossl::Error("i2d_PUBKEY");
  Bytes out(SHA256_DIGEST_LENGTH);
  SHA256(der, static_cast<std::size_t>(size), out.data());
  OPENSSL_free(der);
  return out;
}

Status Prefixed(const char* what, const Status& s) { return s.Prefixed(std::string(what) + ": "); }

// The CMS proof (docs/registration-api.md): 9C's certificate and its
// ECDSA-SHA256 signature over TH2, made on the token.
Result<json> CmsProofJson(host::PivClient& piv, const SecureBytes& pin, ByteView r0, ByteView r1) {
  TESSERA_ASSIGN_OR_RETURN(std::uint32_t serial, piv.GetSerial());
  TESSERA_ASSIGN_OR_RETURN(Bytes object, piv.GetData(piv::tag::kCertSignature));
  TESSERA_ASSIGN_OR_RETURN(std::vector<Tlv> fields, ParseTlvs(object));
  std::optional<ByteView> certificate = FindTag(fields, 0x70);
  if (!certificate) {
    return Status::NotFound("slot 9C holds no certificate: the token is not bound by the CMS");
  }
  TESSERA_ASSIGN_OR_RETURN(Bytes th2,
                           registration::TranscriptHash(registration::kRegisterContext, {r0, r1}));
  Bytes digest(SHA256_DIGEST_LENGTH);
  SHA256(th2.data(), th2.size(), digest.data());
  TESSERA_RETURN_IF_ERROR(piv.VerifyPin(pin.view()));
  TESSERA_ASSIGN_OR_RETURN(
      SecureBytes signature,
      piv.PrivateKeyOperation(piv::key::kSignature, piv::Algorithm::kEccP256, 0x81, digest));
  return json{{"token_serial", serial},
              {"certificate", jose::Base64UrlEncode(*certificate)},
              {"signature", jose::Base64UrlEncode(signature.view())}};
}

}  // namespace

Result<RegisterOutcome> RegisterToken(HttpsClient& http, host::PivClient& piv,
                                      const std::string& user, const std::string& code,
                                      const SecureBytes* cms_pin, std::uint64_t now) {
  Result<json> started = http.Json("POST", "/reg/registrations", json::object());
  if (!started.ok()) return Prefixed("starting the registration", started.status());
  TESSERA_ASSIGN_OR_RETURN(std::string id,
                           StringField(*started, "registration_id", "starting the registration"));
  TESSERA_ASSIGN_OR_RETURN(Bytes r0, B64Field(*started, "server_hello", "starting"));
  TESSERA_ASSIGN_OR_RETURN(Bytes certificate, B64Field(*started, "certificate", "starting"));

  // A key this token holds for the same gateway key is replaced in place.
  std::uint8_t slot = piv::secret::kAnyFreeSlot;
  TESSERA_ASSIGN_OR_RETURN(Bytes spki_hash, SpkiHash(certificate));
  Result<std::vector<host::SecretKeyInfo>> keys = piv.ListSecretKeys();
  if (!keys.ok()) return Prefixed("listing the token's secret keys", keys.status());
  for (const host::SecretKeyInfo& k : *keys) {
    if ((k.usage & piv::secret::usage::kRegistration) != 0 && k.id == spki_hash) slot = k.slot;
  }

  TESSERA_ASSIGN_OR_RETURN(Bytes info,
                           registration::Encode(registration::UserInfo{user, code, ""}));
  Result<Bytes> r1 = piv.RegisterBegin(r0, now, info);
  if (!r1.ok()) return Prefixed("the token refused the gateway (F3 01)", r1.status());
  json exchange = {{"client_message", jose::Base64UrlEncode(*r1)}};
  if (cms_pin != nullptr) {
    Result<json> proof = CmsProofJson(piv, *cms_pin, r0, *r1);
    if (!proof.ok()) return Prefixed("signing the CMS proof with slot 9C", proof.status());
    exchange["cms_proof"] = *proof;
  }
  Result<json> exchanged = http.Json("POST", "/reg/registrations/" + id + "/exchange", exchange);
  if (!exchanged.ok()) return Prefixed("the gateway refused the registration", exchanged.status());
  TESSERA_ASSIGN_OR_RETURN(Bytes r2, B64Field(*exchanged, "server_message", "exchange"));
  Result<host::RegistrationResult> finished = piv.RegisterFinish(r2, slot);
  if (!finished.ok()) {
    return Prefixed("the token refused the gateway's answer (F3 02)", finished.status());
  }
  Result<json> confirmed =
      http.Json("POST", "/reg/registrations/" + id + "/confirm",
                {{"client_message", jose::Base64UrlEncode(finished->confirm)}});
  if (!confirmed.ok()) {
    return Prefixed("the gateway refused the confirmation", confirmed.status());
  }
  RegisterOutcome out;
  out.registration_id = id;
  TESSERA_ASSIGN_OR_RETURN(out.user_id_code, StringField(*confirmed, "user_id_code", "confirm"));
  out.slot = finished->slot;
  out.registered_at = confirmed->value("registered_at", std::int64_t{0});
  return out;
}

Result<host::SecretKeyInfo> FindRegistrationKey(host::PivClient& piv,
                                                std::optional<std::uint8_t> slot) {
  Result<std::vector<host::SecretKeyInfo>> keys = piv.ListSecretKeys();
  if (!keys.ok()) return Prefixed("listing the token's secret keys", keys.status());
  std::vector<host::SecretKeyInfo> found;
  for (const host::SecretKeyInfo& k : *keys) {
    if ((k.usage & piv::secret::usage::kRegistration) == 0) continue;
    if (slot && k.slot != *slot) continue;
    found.push_back(k);
  }
  if (found.empty()) {
    return Status::NotFound(slot ? "slot " + ToHex(Bytes{*slot}) + " holds no registration key"
                                 : std::string("the token holds no registration key: tessera reg "
                                               "register first"));
  }
  if (found.size() > 1) {
    std::string slots;
    for (const auto& k : found) slots += " " + ToHex(Bytes{k.slot});
    return Status::InvalidArgument("the token holds registration keys in slots" + slots +
                                   "; choose one with --slot");
  }
  return found.front();
}

Result<RegSession> Login(HttpsClient& http, host::PivClient& piv, const host::SecretKeyInfo& key) {
  Result<host::RegistrationInfo> info = piv.RegistrationStatus();
  if (!info.ok()) return Prefixed("reading the token's issuer key (F3 00)", info.status());
  if (!info->issuer_point) {
    return Status::ConditionsNotSatisfied(
        "the token has no issuer key (tessera token set-issuer ... --issuer-key FILE)");
  }
  Result<Bytes> a1 = piv.AuthBegin(key.slot);
  if (!a1.ok()) return Prefixed("the token did not begin the login (F3 03)", a1.status());
  Result<json> challenge =
      http.Json("POST", "/reg/sessions", {{"client_message", jose::Base64UrlEncode(*a1)}});
  if (!challenge.ok()) return Prefixed("the gateway refused the login", challenge.status());
  TESSERA_ASSIGN_OR_RETURN(std::string sid, StringField(*challenge, "session_id", "login"));
  TESSERA_ASSIGN_OR_RETURN(Bytes a2, B64Field(*challenge, "server_message", "login"));
  Result<host::AuthResult> finished = piv.AuthFinish(key.slot, a2);
  if (!finished.ok()) {
    if (finished.status().code() == Code::kSignatureInvalid) {
      return Status::SignatureInvalid(
          "the gateway did not prove the token's K (F3 04): another gateway, or a K the gateway "
          "no longer has; register again");
    }
    return Prefixed("the token refused the gateway's challenge (F3 04)", finished.status());
  }
  Result<json> opened = http.Json("POST", "/reg/sessions/" + sid + "/finish",
                                  {{"client_message", jose::Base64UrlEncode(finished->finish)}});
  if (!opened.ok()) return Prefixed("the gateway refused the token's proof", opened.status());

  RegSession session;
  session.token = 0;
  session.slot = key.slot;
  session.user_id_code = opened->value("user_id_code", "");
  session.session_id = sid;
  TESSERA_ASSIGN_OR_RETURN(session.c2s_key,
                           registration::RecordKey(finished->session_key.view(),
                                                   registration::Direction::kClientToServer));
  TESSERA_ASSIGN_OR_RETURN(session.s2c_key,
                           registration::RecordKey(finished->session_key.view(),
                                                   registration::Direction::kServerToClient));
  session.expires_at = opened->value("expires_at", std::int64_t{0});
  session.idle_timeout = opened->value("idle_timeout", std::int64_t{0});
  session.issuer_point = *info->issuer_point;
  session.time_floor = info->time_floor;
  session.spki_sha256 = key.id;
  return session;
}

Result<std::string> SessionCall(HttpsClient& http, RegSession& session, const std::string& method,
                                const std::string& path, const std::string& plaintext,
                                const std::vector<std::pair<std::string, std::string>>& headers) {
  TESSERA_ASSIGN_OR_RETURN(Bytes sid, FromHex(session.session_id));
  const std::uint64_t seq = session.seq + 1;
  const std::string aad_path = http.path_prefix() + path;
  TESSERA_ASSIGN_OR_RETURN(
      Bytes ct, registration::SealRecord(
                    session.c2s_key.view(), registration::Direction::kClientToServer, seq,
                    registration::RequestAad(sid, seq, method, aad_path), AsBytes(plaintext)));
  const json envelope = {{"seq", seq}, {"ct", jose::Base64UrlEncode(ct)}};
  TESSERA_ASSIGN_OR_RETURN(HttpResponse response,
                           http.Send(method, path, "application/json", envelope.dump(), headers));
  // The gateway takes the number once the record opens (docs/registration-
  // api.md): its refusals after that (403, 502) used the number too; 400,
  // 401, 409 and 422 did not.
  const int status = response.status;
  if (status < 400 || status == 403 || status >= 500) session.seq = seq;
  if (status >= 400) return ProblemStatus(status, response.body);
  if (method == "DELETE") return std::string();
  const json parsed = json::parse(response.body, nullptr, false);
  const json* answer = &parsed;
  if (parsed.is_discarded()) return Status::InvalidArgument("the sealed answer is not JSON");
  if (!answer->contains("seq") || !(*answer)["seq"].is_number_unsigned() ||
      (*answer)["seq"].get<std::uint64_t>() != seq) {
    return Status::InvalidArgument("the gateway answered another sequence number");
  }
  TESSERA_ASSIGN_OR_RETURN(Bytes answer_ct, B64Field(*answer, "ct", "the sealed answer"));
  Result<SecureBytes> plain =
      registration::OpenRecord(session.s2c_key.view(), registration::Direction::kServerToClient,
                               seq, registration::ResponseAad(sid, seq, 200), answer_ct);
  if (!plain.ok()) {
    return Status::SignatureInvalid("the gateway's answer does not open under the session key");
  }
  return std::string(plain->view().begin(), plain->view().end());
}

Result<AppliedConfig> SyncEntitlements(HttpsClient& http, RegSession& session,
                                       const std::filesystem::path& home, std::uint64_t now) {
  const json request = {{"user_id_code", session.user_id_code},
                        {"client", {{"platform", "linux"}, {"program", "tessera"}}}};
  TESSERA_ASSIGN_OR_RETURN(
      std::string text,
      SessionCall(http, session, "POST", "/reg/sessions/" + session.session_id + "/entitlements",
                  request.dump()));
  const json answer = json::parse(text, nullptr, false);
  if (answer.is_discarded() || !answer.is_object()) {
    return Status::InvalidArgument("the entitlement answer is not a JSON object");
  }
  AppliedConfig config;
  TESSERA_ASSIGN_OR_RETURN(config.document, StringField(answer, "document", "sync"));
  TESSERA_ASSIGN_OR_RETURN(config.certificate, B64Field(answer, "certificate", "sync"));

  registration::ConfigCheck check;
  check.certificate = config.certificate;
  check.issuer_point = session.issuer_point;
  check.host_time = now;
  check.time_floor = session.time_floor;
  check.expected_spki_sha256 = session.spki_sha256;
  check.expected_uidc = session.user_id_code;
  Result<AppliedConfig> applied = LoadClientConfig(home);
  if (applied.ok()) {
    check.applied_version = applied->parsed.version;
    check.applied_jws = applied->document;
  } else if (applied.status().code() != Code::kNotFound) {
    return applied.status();
  }
  Result<registration::ConfigDocument> doc = VerifyConfig(config.document, check);
  if (!doc.ok()) {
    return Prefixed("the entitlement document was refused (client.json is unchanged)",
                    doc.status());
  }
  config.parsed = std::move(*doc);
  TESSERA_RETURN_IF_ERROR(SaveClientConfig(home, config));
  return config;
}

}  // namespace tessera::cli
