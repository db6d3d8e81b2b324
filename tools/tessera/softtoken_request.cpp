// tessera softtoken request: the device's side (issue 15 design "Channel 1";
// docs/cli.md "The soft-token service (seed 002)"). The device token makes
// or finds its key, attests it, proves it over a challenge bound to the TLS
// session, shows the one-time password, and polls (each poll signed and
// bound to its own connection) until the user confirms on the computer:
// then it shows the comparison code and receives the soft token.
#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <iostream>
#include <thread>

#include "common/piv/piv_constants.hpp"
#include "services/jose/jws.hpp"
#include "tools/tessera/client/https_client.hpp"
#include "tools/tessera/cms_cli.hpp"
#include "tools/tessera/common_options.hpp"
#include "tools/tessera/softtoken_cli.hpp"
#include "tools/tessera/softtoken_device.hpp"
#include "tools/tessera/softtoken_messages.hpp"

namespace tessera::cli::softtoken {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// One HTTP exchange (the service answers each at once; the HSM may queue).
constexpr int kRequestTimeoutSeconds = 30;

struct RequestArgs {
  std::string server, ca_file, slot = "9e", deliver = "both", format = "sd-jwt-vc", out, pin_file,
                               management_key_file;
  std::uint32_t device_token = 0;
  int timeout = 300;
  bool json = false;
};

// One progress line: "name: value", or a JSON object per line with --json.
void Emit(const RequestArgs& a, const std::string& name, const std::string& value,
          json extra = json::object()) {
  if (a.json) {
    extra["event"] = name;
    extra[name] = value;
    std::cout << extra.dump() << "\n" << std::flush;
  } else {
    std::cout << name << ": " << value << "\n" << std::flush;
  }
}

Result<SecureBytes> ManagementKey(const std::string& file) {
  if (file.empty()) {
    return SecureBytes(ByteView(piv::kDefaultManagementKey, sizeof piv::kDefaultManagementKey));
  }
  TESSERA_ASSIGN_OR_RETURN(SecureBytes hex, ReadPin(file, "management key"));
  Result<Bytes> key =
      FromHex(std::string_view(reinterpret_cast<const char*>(hex.data()), hex.size()));
  if (!key.ok()) return Status::InvalidArgument(file + ": the management key is not hex");
  SecureBytes out(*key);
  OPENSSL_cleanse(key->data(), key->size());
  return out;
}

// The device with its key, attestation and the signer every message uses.
struct Device {
  std::unique_ptr<DeviceToken> token;
  DeviceKey key;
  Bytes attestation, attestation_ca;
};

Result<Device> OpenDevice(const RequestArgs& a, const runtime::Settings& settings) {
  Device d;
  TESSERA_ASSIGN_OR_RETURN(d.token, DeviceToken::Open(settings, a.device_token));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes management_key, ManagementKey(a.management_key_file));
  TESSERA_ASSIGN_OR_RETURN(d.key, d.token->EnsureKey(a.slot, management_key.view()));
  if (d.key.needs_pin) {
    TESSERA_ASSIGN_OR_RETURN(SecureBytes pin,
                             ReadPin(a.pin_file, "PIN of token " + std::to_string(a.device_token)));
    TESSERA_RETURN_IF_ERROR(d.token->UsePin(std::move(pin)));
  }
  TESSERA_ASSIGN_OR_RETURN(d.attestation, d.token->Attest(a.slot));
  TESSERA_ASSIGN_OR_RETURN(d.attestation_ca, d.token->AttestationCertificate());
  return d;
}

// POST /softtoken/v1/requests, the PoP signed over this connection's exporter.
Result<json> SendRequest(const RequestArgs& a, HttpsClient& http, Device& d) {
  Result<json> challenge = http.Json("POST", "/softtoken/v1/challenges");
  if (!challenge.ok()) return challenge.status().Prefixed("asking for a challenge: ");
  TESSERA_ASSIGN_OR_RETURN(Bytes nonce, Base64UrlMember(*challenge, "nonce", "the challenge"));
  Result<json> created =
      http.JsonBound("POST", "/softtoken/v1/requests", [&](ByteView exporter) -> Result<json> {
        TESSERA_ASSIGN_OR_RETURN(Bytes message, PopMessage(nonce, exporter, d.key.spki));
        TESSERA_ASSIGN_OR_RETURN(Bytes signature, d.token->SignEs256(a.slot, message));
        return json{{"nonce", jose::Base64UrlEncode(nonce)},
                    {"serial", a.device_token},
                    {"slot", a.slot},
                    {"device_key", jose::Base64UrlEncode(d.key.spki)},
                    {"attestation", jose::Base64UrlEncode(d.attestation)},
                    {"attestation_ca", jose::Base64UrlEncode(d.attestation_ca)},
                    {"signature", jose::Base64UrlEncode(signature)},
                    {"deliver", a.deliver},
                    {"format", a.format}};
      });
  if (!created.ok()) return created.status().Prefixed("the service refused the request: ");
  return created;
}

// What a final state means for the device; Ok for "issued".
Status FinalState(const std::string& state) {
  if (state == "burned") {
    return Status::ConditionsNotSatisfied(
        "the one-time password was entered wrong too many times: the request is burned; "
        "start again");
  }
  if (state == "expired") {
    return Status::ConditionsNotSatisfied("the request expired before it was confirmed");
  }
  if (state == "refused") {
    return Status::ConditionsNotSatisfied("the request was refused on the computer");
  }
  return Status::InvalidArgument("the service answered an unknown state '" + state + "'");
}

// Polls until issued, a final state, or the deadline. Prints the
// comparison code once, then hands over the soft token.
Status Poll(const RequestArgs& a, HttpsClient& http, Device& d, const std::string& id,
            int poll_after) {
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(a.timeout);
  bool shown = false;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::seconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      return Status::Unavailable("no confirmation within " + std::to_string(a.timeout) +
                                 " s; the request expires on the service");
    }
    const Clock::time_point sent = Clock::now();
    Result<json> answer = http.JsonBound(
        "POST", "/softtoken/v1/requests/" + id + "/poll", [&](ByteView exporter) -> Result<json> {
          TESSERA_ASSIGN_OR_RETURN(Bytes message, PollMessage(id, exporter));
          TESSERA_ASSIGN_OR_RETURN(Bytes signature, d.token->SignEs256(a.slot, message));
          return json{{"signature", jose::Base64UrlEncode(signature)}};
        });
    if (!answer.ok()) return answer.status().Prefixed("polling the request: ");
    TESSERA_ASSIGN_OR_RETURN(std::string state, StringMember(*answer, "state", "the poll"));
    if ((state == "matched" || state == "issued") && !shown) {
      TESSERA_ASSIGN_OR_RETURN(std::string comparison,
                               StringMember(*answer, "comparison", "the poll"));
      Emit(a, "comparison", comparison);
      shown = true;
    }
    if (state == "issued") {
      const std::string format = answer->value("format", a.format);
      if (!answer->contains("soft_token")) {
        Emit(a, "issued", "delivered to the computer only", {{"format", format}});
        return Status::Ok();
      }
      TESSERA_ASSIGN_OR_RETURN(std::string token, StringMember(*answer, "soft_token", "the poll"));
      if (a.json && a.out.empty()) {
        Emit(a, "issued", format, {{"format", format}, {"soft_token", token}});
        return Status::Ok();
      }
      TESSERA_RETURN_IF_ERROR(HandOver(a.out, token));
      if (!a.out.empty()) Emit(a, "issued", a.out, {{"format", format}});
      return Status::Ok();
    }
    if (state != "pending" && state != "matched") return FinalState(state);
    // The service answers a poll at once: it is asked again no sooner than
    // its poll_after.
    const auto elapsed = Clock::now() - sent;
    if (elapsed < std::chrono::seconds(poll_after)) {
      std::this_thread::sleep_for(std::chrono::seconds(poll_after) - elapsed);
    }
  }
}

Status Run(Context& ctx, const RequestArgs& a) {
  auto env = LoadEnvironment(ctx);
  if (!env) return Status::Ok();  // reported
  TESSERA_ASSIGN_OR_RETURN(Device device, OpenDevice(a, env->settings));
  HttpsClientOptions options;
  options.base_url = a.server;
  options.ca_file = a.ca_file;
  options.timeout_seconds = kRequestTimeoutSeconds;
  TESSERA_ASSIGN_OR_RETURN(HttpsClient http, HttpsClient::Connect(options));
  TESSERA_ASSIGN_OR_RETURN(json created, SendRequest(a, http, device));
  TESSERA_ASSIGN_OR_RETURN(std::string id, StringMember(created, "request", "the request"));
  TESSERA_ASSIGN_OR_RETURN(std::string otp, StringMember(created, "otp", "the request"));
  if (!IsRequestId(id)) return Status::InvalidArgument("the service answered a bad request ID");
  Emit(a, "otp", otp,
       {{"request", id},
        {"expires_at", created.value("expires_at", std::int64_t{0})},
        {"tries", created.value("tries", 0)},
        {"key_generated", device.key.generated}});
  return Poll(a, http, device, id, std::max(1, created.value("poll_after", 1)));
}

}  // namespace

void AddRequestCommand(CLI::App& softtoken, Context& ctx) {
  auto a = std::make_shared<RequestArgs>();
  CLI::App* cmd = softtoken.add_subcommand(
      "request", "On the device: ask for a soft token, show the one-time password, wait for it");
  cmd->add_option("--server", a->server, "tesserad's URL (https://host:port)")->required();
  cmd->add_option("--device-token", a->device_token, "the device token's serial")->required();
  cmd->add_option("--slot", a->slot, "the PIV slot of the device key (9e)")
      ->check(
          CLI::IsMember({"9a", "9c", "9d", "9e", "82", "83", "84", "85", "86", "87", "88", "89",
                         "8a", "8b", "8c", "8d", "8e", "8f", "90", "91", "92", "93", "94", "95"},
                        CLI::ignore_case));
  cmd->add_option("--deliver", a->deliver, "where the soft token goes: device|computer|both (both)")
      ->check(CLI::IsMember({"device", "computer", "both"}));
  cmd->add_option("--format", a->format, "sd-jwt-vc|x509 (sd-jwt-vc)")
      ->check(CLI::IsMember({"sd-jwt-vc", "x509"}));
  cmd->add_option("--out", a->out, "write the soft token to FILE (mode 0600); default stdout");
  cmd->add_option("--ca-file", a->ca_file, "PEM CA that verifies tesserad's TLS certificate")
      ->default_str("the system's CAs");
  cmd->add_option("--pin-file", a->pin_file,
                  "the device token's PIN (mode 0600), for a slot whose key asks for it")
      ->default_str("ask on the terminal");
  cmd->add_option("--management-key-file", a->management_key_file,
                  "the device token's management key in hex (mode 0600; default: factory key), "
                  "to make the key in an empty slot");
  cmd->add_option("--timeout", a->timeout, "seconds to wait for the confirmation (300)")
      ->check(CLI::Range(1, 86400));
  cmd->add_flag("--json", a->json, "one JSON object per line (otp, comparison, issued)");
  cmd->callback([&ctx, a] {
    std::transform(a->slot.begin(), a->slot.end(), a->slot.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    ctx.Check("softtoken request", Run(ctx, *a));
  });
}

}  // namespace tessera::cli::softtoken
