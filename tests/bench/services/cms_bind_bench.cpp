// cms_bind_bench: seed 000 bindings per second end to end, v1 to the
// activation receipt (tests/bench/services/run-cms-bench sets up the CA, the
// CMS, the users, the officers and the registered tokens, and starts
// tesserad), with where the time goes, next to the HSM's own rate for the
// work one binding needs (key generation, the wrap to F0, the certificate's
// signature) measured in the same run.
//
// Each thread is one officer's terminal (its own officer token and TLS
// connection, to the servers in turn) binding users to tokens from a shared
// queue, as `tessera officer bind` and `tessera token activate` do:
// nonce, v1 signed on the officer's token, v2, countersignature, bind, the
// package and certificate written to the user's token, unwrap with the PIN,
// the receipt signed by 9C, activation. Prints one line of figures.
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <thread>

#include "common/piv/key_package.hpp"
#include "common/piv/wrapped_key.hpp"
#include "hsm/signing_key.hpp"
#include "hsm/token_key_wrap.hpp"
#include "services/cms/eform.hpp"
#include "services/cms/receipt.hpp"
#include "services/jose/jws.hpp"
#include "services/runtime/home.hpp"
#include "services/runtime/hsm_access.hpp"
#include "tools/tessera/client/https_client.hpp"
#include "tools/tessera/client/token_p11.hpp"

using namespace tessera;  // NOLINT(google-build-using-namespace): a bench's main file
using Clock = std::chrono::steady_clock;

namespace {

constexpr char kFactoryManagementKey[] = "010203040506070801020304050607080102030405060708";

struct Phases {  // seconds, summed over bindings
  double officer_token = 0, user_token = 0, http = 0;
  void Add(const Phases& o) {
    officer_token += o.officer_token;
    user_token += o.user_token;
    http += o.http;
  }
};

template <typename F>
auto Timed(double& into, F&& f) {
  const auto start = Clock::now();
  auto result = f();
  into += std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

ByteView View(const std::string& s) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

// The user's token: the officer's terminal writes the package and the
// certificate (SO login), the user unwraps with the PIN and signs the receipt.
Status UserSide(const std::string& module, std::uint32_t user_token, const SecureBytes& pin,
                const std::string& request_id, const Bytes& package, const Bytes& certificate,
                std::string* receipt_jws) {
  {  // the officer's terminal, as SO; closed before the user logs in
    TESSERA_ASSIGN_OR_RETURN(cli::TokenP11 token, cli::TokenP11::Open(module, user_token));
    TESSERA_RETURN_IF_ERROR(
        token.LoginSo(SecureBytes(Bytes(kFactoryManagementKey, kFactoryManagementKey + 48))));
    TESSERA_RETURN_IF_ERROR(token.WriteKeyPackage(package));
    TESSERA_RETURN_IF_ERROR(token.WriteCertificate("9c", certificate));
  }
  TESSERA_ASSIGN_OR_RETURN(cli::TokenP11 user, cli::TokenP11::Open(module, user_token));
  TESSERA_RETURN_IF_ERROR(user.LoginUser(pin));
  TESSERA_RETURN_IF_ERROR(user.UnwrapKeyPackage(package));
  TESSERA_ASSIGN_OR_RETURN(std::string receipt,
                           cms::EncodeReceipt({request_id, user_token, std::time(nullptr)}));
  TESSERA_ASSIGN_OR_RETURN(*receipt_jws,
                           jose::SignCompact(jose::JwsAlg::kEs256, cms::kReceiptType, std::nullopt,
                                             receipt, [&](const std::string& input) {
                                               return user.SignEs256("9c", View(input), &pin);
                                             }));
  return Status::Ok();
}

Status BindOne(cli::HttpsClient& client, cli::TokenP11& officer, const std::string& officer_id,
               const std::string& module, std::uint32_t user_token, const SecureBytes& pin,
               Phases& t) {
  TESSERA_ASSIGN_OR_RETURN(nlohmann::json nonce,
                           Timed(t.http, [&] { return client.Json("POST", "/cms/nonces"); }));
  cms::EformV1 v1;
  v1.user_id = "user-" + std::to_string(user_token);
  v1.token_serial = user_token;
  v1.reviewed = {"id-card", "D-" + std::to_string(user_token)};
  TESSERA_ASSIGN_OR_RETURN(v1.nonce, jose::Base64UrlDecode(nonce.at("nonce").get<std::string>()));
  v1.time = std::time(nullptr);
  v1.officer = officer_id;
  auto signer = [&](const std::string& input) {
    return Timed(t.officer_token, [&] { return officer.SignEs256("9a", View(input)); });
  };
  TESSERA_ASSIGN_OR_RETURN(std::string payload, cms::EncodeV1(v1));
  TESSERA_ASSIGN_OR_RETURN(
      std::string v1_jws,
      jose::SignCompact(jose::JwsAlg::kEs256, cms::kEformV1Type, officer_id, payload, signer));
  TESSERA_ASSIGN_OR_RETURN(nlohmann::json v2, Timed(t.http, [&] {
                             return client.Json("POST", "/cms/eforms", {{"v1", v1_jws}});
                           }));
  const std::string v2_payload = v2.at("v2").get<std::string>();
  TESSERA_ASSIGN_OR_RETURN(
      std::string v2_jws,
      jose::SignCompact(jose::JwsAlg::kEs256, cms::kEformV2Type, officer_id, v2_payload, signer));
  const std::string request_id = v2.at("request_id").get<std::string>();
  TESSERA_ASSIGN_OR_RETURN(
      nlohmann::json bound, Timed(t.http, [&] {
        return client.Json("POST", "/cms/requests/" + request_id + "/bind", {{"v2", v2_jws}});
      }));
  TESSERA_ASSIGN_OR_RETURN(Bytes package,
                           jose::Base64UrlDecode(bound.at("key_package").get<std::string>()));
  TESSERA_ASSIGN_OR_RETURN(Bytes certificate,
                           jose::Base64UrlDecode(bound.at("certificate").get<std::string>()));
  std::string receipt_jws;
  const auto user_start = Clock::now();
  TESSERA_RETURN_IF_ERROR(
      UserSide(module, user_token, pin, request_id, package, certificate, &receipt_jws));
  t.user_token += std::chrono::duration<double>(Clock::now() - user_start).count();
  return Timed(t.http,
               [&] {
                 return client.Json("POST", "/cms/activations", {{"receipt", receipt_jws}});
               })
      .status();
}

// The HSM's own rate for one binding's work, one thread: P-256 key pair
// generation, the wrap to a token key, one certificate-sized signature.
double HsmBindingsPerSecond(const std::string& hsm_name, int rounds) {
  auto home = runtime::OpenHome();
  auto settings =
      home.ok() ? runtime::LoadSettings(*home) : Result<runtime::Settings>(home.status());
  if (!settings.ok()) return 0;
  auto access = runtime::HsmAccess::Load(*home, *settings);
  if (!access.ok()) return 0;
  auto token = access->Open(hsm_name);
  if (!token.ok()) return 0;
  hsm::HsmSession& session = token->session();
  auto signing = hsm::GenerateSigningKey(session, hsm::SigningKeyType::kP256, "cms-bench-sign");
  auto f0 = hsm::GenerateDeliverableP256(session);  // stands in for a token's F0
  if (!signing.ok() || !f0.ok()) return 0;
  auto f0_spki = hsm::EcPublicKeyInfo(session, f0->public_key.handle());
  if (!f0_spki.ok()) return 0;
  const Bytes tbs(600, 0x5A);  // about a user certificate's TBS
  const auto start = Clock::now();
  for (int i = 0; i < rounds; ++i) {
    auto pair = hsm::GenerateDeliverableP256(session);
    if (!pair.ok()) return 0;
    hsm::TokenWrapParams wrap;
    wrap.token_key = *f0_spki;
    wrap.shared_data = piv::wrap::EncodeSharedData({1, 0x9C, Bytes(16, 1)});
    if (!hsm::WrapToTokenKey(session, token->quirks(), pair->private_key.handle(), wrap).ok())
      return 0;
    if (!hsm::SignForX509(session, *signing, tbs).ok()) return 0;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return rounds / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cms_bind_bench: seed 000 bindings per second, v1 to activation"};
  std::vector<std::string> servers;
  std::string ca_file, module, hsm_name, pin_text = "123456";
  std::vector<std::uint32_t> officer_tokens, user_tokens;
  std::vector<std::string> officer_ids;
  app.add_option("--server", servers, "tesserad URL; repeat for several nodes")->required();
  app.add_option("--ca-file", ca_file, "PEM CA of tesserad's TLS certificate")->required();
  app.add_option("--module", module, "tessera-pkcs11.so")->required();
  app.add_option("--officer", officer_ids, "officer IDs, one per thread")->required();
  app.add_option("--officer-token", officer_tokens, "their tokens, in the same order")->required();
  app.add_option("--user-token", user_tokens, "tokens to bind (user IDs user-SERIAL)")->required();
  app.add_option("--hsm", hsm_name, "the HSM to measure the raw rate on (TESSERA_HOME)")
      ->required();
  CLI11_PARSE(app, argc, argv);
  if (officer_ids.size() != officer_tokens.size()) {
    std::fprintf(stderr, "cms_bind_bench: --officer and --officer-token differ in number\n");
    return 2;
  }
  const SecureBytes pin(Bytes(pin_text.begin(), pin_text.end()));
  std::atomic<std::size_t> next{0};
  std::atomic<int> failures{0};
  std::mutex mutex;
  Phases total;
  std::string first_error;
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < officer_ids.size(); ++w) {
    threads.emplace_back([&, w] {
      auto officer = cli::TokenP11::Open(module, officer_tokens[w]);
      Status status = officer.status();
      if (status.ok()) status = officer->LoginUser(pin);
      auto certificate = status.ok() ? cli::ClientCertificateFromSlot(*officer, "9a")
                                     : Result<cli::ClientCertificate>(status);
      auto client =
          certificate.ok()
              ? cli::HttpsClient::Connect({servers[w % servers.size()], ca_file, *certificate, 60})
              : Result<cli::HttpsClient>(certificate.status());
      Phases mine;
      for (std::size_t i = next++; client.ok() && i < user_tokens.size(); i = next++) {
        Status one = BindOne(*client, *officer, officer_ids[w], module, user_tokens[i], pin, mine);
        if (!one.ok()) {
          ++failures;
          std::lock_guard<std::mutex> lock(mutex);
          if (first_error.empty()) first_error = one.ToString();
        }
      }
      std::lock_guard<std::mutex> lock(mutex);
      if (!client.ok() && first_error.empty()) first_error = client.status().ToString();
      total.Add(mine);
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double done = static_cast<double>(user_tokens.size()) - failures.load();
  const double hsm_rate = HsmBindingsPerSecond(hsm_name, 50);
  std::printf(
      "bindings=%.0f failures=%d seconds=%.2f rate=%.2f/s hsm_bound=%.1f/s ratio=%.3f "
      "per_binding_ms: officer_token=%.1f user_token=%.1f http=%.1f\n",
      done, failures.load(), seconds, done / seconds, hsm_rate,
      hsm_rate > 0 ? (done / seconds) / hsm_rate : 0.0, 1000 * total.officer_token / done,
      1000 * total.user_token / done, 1000 * total.http / done);
  if (!first_error.empty())
    std::fprintf(stderr, "cms_bind_bench: first error: %s\n", first_error.c_str());
  return failures.load() == 0 ? 0 : 1;
}
