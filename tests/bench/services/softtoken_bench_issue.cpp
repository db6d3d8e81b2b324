// softtoken_bench's in-process issuances (softtoken_bench.hpp): the
// protocol of `tessera softtoken request` and `confirm` driven over HTTPS by
// this process, one pair (device token, ID card) per thread, each with its
// two kept-alive connections: channel 1 plain TLS (every proof signed on
// the device over that connection's tls-exporter), channel 2 mTLS with the
// card's 9A key (one handshake, then kept alive, as a browser keeps it).
// The device's key is made (when its slot is empty) and attested once per
// device, before the clock starts; then each issuance is:
//   POST challenges, POST requests (PoP), poll (pending), POST confirm,
//   POST approve, poll (issued, the same soft token as approve's answer).
// The polls do not wait poll_after: what the service sustains is measured.
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "common/piv/piv_constants.hpp"
#include "services/jose/jws.hpp"
#include "services/runtime/home.hpp"
#include "tests/bench/services/softtoken_bench.hpp"
#include "tools/tessera/softtoken_device.hpp"
#include "tools/tessera/softtoken_messages.hpp"

namespace tessera::stbench {
namespace {

using cli::softtoken::DeviceKey;
using cli::softtoken::DeviceToken;
using nlohmann::json;

constexpr char kSlot[] = "9e";

Result<std::string> Member(const json& answer, const char* name, const std::string& step) {
  if (!answer.is_object() || !answer.contains(name) || !answer[name].is_string()) {
    return Status::InvalidArgument(step + ": no '" + name + "' in " + answer.dump());
  }
  return answer[name].get<std::string>();
}

struct Pair {
  std::unique_ptr<DeviceToken> device;
  DeviceKey key;
  Bytes attestation, attestation_ca;
  std::optional<cli::HttpsClient> channel1, channel2;
  std::unique_ptr<Card> card;
};

Result<std::unique_ptr<Pair>> OpenPair(const Options& o, const runtime::Settings& settings,
                                       std::uint32_t device, std::uint32_t card) {
  auto p = std::make_unique<Pair>();
  TESSERA_ASSIGN_OR_RETURN(p->device, DeviceToken::Open(settings, device));
  TESSERA_ASSIGN_OR_RETURN(
      p->key, p->device->EnsureKey(
                  kSlot, ByteView(piv::kDefaultManagementKey, sizeof piv::kDefaultManagementKey)));
  TESSERA_ASSIGN_OR_RETURN(p->attestation, p->device->Attest(kSlot));
  TESSERA_ASSIGN_OR_RETURN(p->attestation_ca, p->device->AttestationCertificate());
  TESSERA_ASSIGN_OR_RETURN(cli::HttpsClient one,
                           cli::HttpsClient::Connect({o.server, o.ca_file, std::nullopt, 60}));
  p->channel1.emplace(std::move(one));
  TESSERA_ASSIGN_OR_RETURN(p->card, OpenCard(o, card));
  TESSERA_ASSIGN_OR_RETURN(
      cli::HttpsClient two,
      cli::HttpsClient::Connect({o.server, o.ca_file, p->card->certificate, 60}));
  p->channel2.emplace(std::move(two));
  return p;
}

// A channel-1 request whose body the device signs: the time on the device
// goes to "device", the rest of the round trip to "ch1".
Result<json> Bound(Pair& p, Split& t, const std::string& target,
                   const std::function<Result<json>(ByteView exporter)>& body) {
  const double device_before = t.seconds["device"];
  const auto start = Clock::now();
  Result<json> answer = p.channel1->JsonBound("POST", target, body);
  t.seconds["ch1"] += std::chrono::duration<double>(Clock::now() - start).count() -
                      (t.seconds["device"] - device_before);
  return answer;
}

Result<json> Poll(Pair& p, Split& t, const std::string& id) {
  return Bound(p, t, "/softtoken/v1/requests/" + id + "/poll",
               [&](ByteView exporter) -> Result<json> {
                 TESSERA_ASSIGN_OR_RETURN(Bytes message, cli::softtoken::PollMessage(id, exporter));
                 TESSERA_ASSIGN_OR_RETURN(Bytes signature, t.Timed("device", [&] {
                   return p.device->SignEs256(kSlot, message);
                 }));
                 return json{{"signature", jose::Base64UrlEncode(signature)}};
               });
}

Status ExpectState(const json& answer, const std::string& state, const std::string& step) {
  TESSERA_ASSIGN_OR_RETURN(std::string got, Member(answer, "state", step));
  if (got != state) return Status::Internal(step + ": state " + got + ", not " + state);
  return Status::Ok();
}

Status IssueOne(Pair& p, const Options& o, Split& t) {
  TESSERA_ASSIGN_OR_RETURN(json challenge, t.Timed("ch1", [&] {
    return p.channel1->Json("POST", "/softtoken/v1/challenges");
  }));
  TESSERA_ASSIGN_OR_RETURN(std::string nonce_text, Member(challenge, "nonce", "challenge"));
  TESSERA_ASSIGN_OR_RETURN(Bytes nonce, jose::Base64UrlDecode(nonce_text));
  TESSERA_ASSIGN_OR_RETURN(
      json created, Bound(p, t, "/softtoken/v1/requests", [&](ByteView exporter) -> Result<json> {
        TESSERA_ASSIGN_OR_RETURN(Bytes message,
                                 cli::softtoken::PopMessage(nonce, exporter, p.key.spki));
        TESSERA_ASSIGN_OR_RETURN(Bytes signature, t.Timed("device", [&] {
          return p.device->SignEs256(kSlot, message);
        }));
        return json{{"nonce", jose::Base64UrlEncode(nonce)},
                    {"serial", p.device->serial()},
                    {"slot", kSlot},
                    {"device_key", jose::Base64UrlEncode(p.key.spki)},
                    {"attestation", jose::Base64UrlEncode(p.attestation)},
                    {"attestation_ca", jose::Base64UrlEncode(p.attestation_ca)},
                    {"signature", jose::Base64UrlEncode(signature)},
                    {"deliver", "both"},
                    {"format", o.format}};
      }));
  TESSERA_ASSIGN_OR_RETURN(std::string id, Member(created, "request", "request"));
  TESSERA_ASSIGN_OR_RETURN(std::string otp, Member(created, "otp", "request"));
  TESSERA_ASSIGN_OR_RETURN(json pending, Poll(p, t, id));
  TESSERA_RETURN_IF_ERROR(ExpectState(pending, "pending", "first poll"));

  TESSERA_ASSIGN_OR_RETURN(json matched, t.Timed("ch2", [&] {
    return p.channel2->Json("POST", "/softtoken/v1/confirm", {{"otp", otp}});
  }));
  TESSERA_ASSIGN_OR_RETURN(std::string matched_id, Member(matched, "request", "confirm"));
  if (matched_id != id) return Status::Internal("confirm matched another request");
  TESSERA_ASSIGN_OR_RETURN(std::string confirmation, Member(matched, "confirmation", "confirm"));
  TESSERA_ASSIGN_OR_RETURN(std::string comparison, Member(matched, "comparison", "confirm"));
  TESSERA_ASSIGN_OR_RETURN(json issued, t.Timed("ch2", [&] {
    return p.channel2->Json("POST", "/softtoken/v1/requests/" + id + "/approve",
                            {{"confirmation", confirmation}, {"comparison", comparison}});
  }));
  TESSERA_RETURN_IF_ERROR(ExpectState(issued, "issued", "approve"));
  TESSERA_ASSIGN_OR_RETURN(std::string on_computer, Member(issued, "soft_token", "approve"));

  TESSERA_ASSIGN_OR_RETURN(json polled, Poll(p, t, id));
  TESSERA_RETURN_IF_ERROR(ExpectState(polled, "issued", "last poll"));
  TESSERA_ASSIGN_OR_RETURN(std::string on_device, Member(polled, "soft_token", "last poll"));
  if (on_device != on_computer) return Status::Internal("the two channels got other tokens");
  return Status::Ok();
}

Result<SecureBytes> ReadPinFile(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line) || line.empty()) return Status::NotFound(path + ": no PIN");
  SecureBytes pin(Bytes(line.begin(), line.end()));
  std::fill(line.begin(), line.end(), '\0');
  return pin;
}

}  // namespace

Result<std::unique_ptr<Card>> OpenCard(const Options& o, std::uint32_t serial) {
  auto card = std::make_unique<Card>();
  TESSERA_ASSIGN_OR_RETURN(cli::TokenP11 token, cli::TokenP11::Open(o.module, serial));
  card->token = std::make_unique<cli::TokenP11>(std::move(token));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes pin, ReadPinFile(o.pin_file));
  TESSERA_RETURN_IF_ERROR(card->token->LoginUser(pin));
  TESSERA_ASSIGN_OR_RETURN(card->certificate, cli::ClientCertificateFromSlot(*card->token, "9a"));
  Card* self = card.get();
  cli::TlsKeySigner unlocked = std::move(card->certificate.sign);
  card->certificate.sign = [self, unlocked](std::string_view digest, ByteView hash) {
    std::lock_guard<std::mutex> lock(self->mutex);
    ++self->handshakes;
    return unlocked(digest, hash);
  };
  return card;
}

Figure IssueInProcess(const Options& o) {
  Figure figure{"issue-inprocess"};
  auto home = runtime::OpenHome();
  auto settings =
      home.ok() ? runtime::LoadSettings(*home) : Result<runtime::Settings>(home.status());
  if (!settings.ok()) return figure.Failed(settings.status());
  std::vector<std::unique_ptr<Pair>> pairs;
  for (std::size_t w = 0; w < o.threads; ++w) {
    auto pair = OpenPair(o, *settings, o.devices[w], o.cards[w]);
    if (!pair.ok()) {
      return figure.Failed(pair.status().Prefixed("device " + std::to_string(o.devices[w]) +
                                                  ", card " + std::to_string(o.cards[w]) + ": "));
    }
    pairs.push_back(std::move(*pair));
  }
  return Run(figure, pairs.size(), o.seconds, [&](std::size_t w, Split& t) -> Result<bool> {
    TESSERA_RETURN_IF_ERROR(IssueOne(*pairs[w], o, t));
    return true;
  });
}

}  // namespace tessera::stbench
