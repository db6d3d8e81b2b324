// reg_bench: seed 001 (issue 14) registrations and logins per second end to
// end, with their baselines measured in the same run
// (tests/bench/services/run-reg-bench sets up the issuer CA, `reg init`, the
// personalized tessera-sim tokens, the users, their enrolment codes and
// entitlements, the tessera-demo-app, and starts tesserad with the ca and
// registration services on HTTPS loopback).
//
// One thread per token, each with its own token socket (host::PivClient,
// PIN verified once) and its own keep-alive HTTPS connection to tesserad.
// The phases, in order, each for --seconds (registrations also end when the
// codes run out), summed over the threads:
//   hsm       hsm::EcdhDerive on SoftHSM2 with a P-256 agreement key
//             (the gateway's kind, agreement_key.hpp), one session a thread;
//   token     GENERAL AUTHENTICATE ECDH (tag 85) with a P-256 key in 9D;
//   register  R0..R3 as `tessera reg register` does it (cli::RegisterToken);
//   login     F3 03, POST /reg/sessions, F3 04, POST /reg/sessions/{sid}/finish;
//   session   in one open session: sealed POST .../entitlements, sealed
//             POST /app/echo/echo (the demo app), and GET /healthz on the
//             same connection kind as the baseline.
// Prints one line per figure ("reg-bench NAME ops=... ops/s=...") and the
// ratios; asserts nothing (the exit status says whether everything worked).
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "hsm/agreement_key.hpp"
#include "hsm/ecdh.hpp"
#include "services/runtime/hsm_access.hpp"
#include "tests/bench/services/reg_bench_run.hpp"
#include "tools/tessera/reg_client.hpp"

using namespace tessera;  // NOLINT(google-build-using-namespace): a bench's main file
using nlohmann::json;

namespace {

// A fresh P-256 public point, 04 || X || Y: the peer of the ECDH baselines.
Bytes PeerPoint() {
  ossl::PkeyPtr key(EVP_EC_gen("P-256"));
  Bytes point(hsm::kP256PointBytes);
  std::size_t size = 0;
  if (!key || EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                              point.data(), point.size(), &size) != 1) {
    return {};
  }
  return point;
}

// The HSM's raw ECDH rate: one session and one loop per thread.
bench::Figure HsmEcdh(const std::string& hsm_name, std::size_t threads, double seconds) {
  bench::Figure figure{"hsm-ecdh"};
  auto home = runtime::OpenHome();
  auto settings =
      home.ok() ? runtime::LoadSettings(*home) : Result<runtime::Settings>(home.status());
  auto access = settings.ok() ? runtime::HsmAccess::Load(*home, *settings)
                              : Result<runtime::HsmAccess>(settings.status());
  if (!access.ok()) return figure.Failed(access.status());
  {
    auto token = access->Open(hsm_name);
    if (!token.ok()) return figure.Failed(token.status());
    auto made = hsm::GenerateAgreementKey(token->session(), "reg-bench-ecdh");
    if (!made.ok() && made.status().code() != Code::kAlreadyExists) {
      return figure.Failed(made.status());
    }
  }
  const Bytes peer = PeerPoint();
  std::vector<std::optional<hsm::HsmToken>> tokens(threads);
  std::vector<hsm::SigningKey> keys(threads);
  for (std::size_t w = 0; w < threads; ++w) {
    auto token = access->Open(hsm_name);
    if (!token.ok()) return figure.Failed(token.status());
    auto key = hsm::FindAgreementKey(token->session(), "reg-bench-ecdh");
    if (!key.ok()) return figure.Failed(key.status());
    tokens[w].emplace(std::move(*token));
    keys[w] = *key;
  }
  return bench::Run(figure, threads, seconds, [&](std::size_t w, bench::Split&) -> Result<bool> {
    hsm::HsmToken& t = *tokens[w];
    TESSERA_RETURN_IF_ERROR(
        hsm::EcdhDerive(t.session(), t.quirks(), keys[w].private_key, peer).status());
    return true;
  });
}

// The token's raw ECDH rate: a P-256 key generated in 9D (factory
// management key), then GENERAL AUTHENTICATE with tag 85 in a loop.
bench::Figure TokenEcdh(std::vector<bench::Worker>& workers, double seconds) {
  bench::Figure figure{"token-ecdh"};
  const Bytes peer = PeerPoint();
  for (bench::Worker& w : workers) {
    Status status = w.piv->AuthenticateManagementKey(
        piv::Algorithm::kTdes,
        ByteView(piv::kDefaultManagementKey, sizeof piv::kDefaultManagementKey));
    if (status.ok()) status = w.piv->GenerateKey(0x9D, piv::Algorithm::kEccP256).status();
    if (!status.ok()) return figure.Failed(status.Prefixed("9D on token " + w.name + ": "));
  }
  return bench::Run(figure, workers.size(), seconds,
                    [&](std::size_t w, bench::Split&) -> Result<bool> {
                      TESSERA_RETURN_IF_ERROR(
                          workers[w]
                              .piv->PrivateKeyOperation(0x9D, piv::Algorithm::kEccP256, 0x85, peer)
                              .status());
                      return true;
                    });
}

bench::Figure Register(std::vector<bench::Worker>& workers, double seconds) {
  bench::Figure figure{"register"};
  return bench::Run(figure, workers.size(), seconds,
                    [&](std::size_t i, bench::Split&) -> Result<bool> {
                      bench::Worker& w = workers[i];
                      if (w.next_code == w.codes.size()) return false;
                      const auto& [user, code] = w.codes[w.next_code++];
                      const auto now = static_cast<std::uint64_t>(std::time(nullptr));
                      TESSERA_RETURN_IF_ERROR(
                          cli::RegisterToken(*w.http, *w.piv, user, code, nullptr, now).status());
                      return true;
                    });
}

// A1..A3 exactly: what the token and the gateway each spend is split.
bench::Figure Login(std::vector<bench::Worker>& workers, double seconds) {
  bench::Figure figure{"login"};
  return bench::Run(
      figure, workers.size(), seconds, [&](std::size_t i, bench::Split& t) -> Result<bool> {
        bench::Worker& w = workers[i];
        TESSERA_ASSIGN_OR_RETURN(Bytes a1, t.Token([&] { return w.piv->AuthBegin(w.key.slot); }));
        TESSERA_ASSIGN_OR_RETURN(json challenge, t.Http([&] {
          return w.http->Json("POST", "/reg/sessions",
                              {{"client_message", jose::Base64UrlEncode(a1)}});
        }));
        const std::string sid = challenge.at("session_id").get<std::string>();
        TESSERA_ASSIGN_OR_RETURN(
            Bytes a2, jose::Base64UrlDecode(challenge.at("server_message").get<std::string>()));
        TESSERA_ASSIGN_OR_RETURN(host::AuthResult finished,
                                 t.Token([&] { return w.piv->AuthFinish(w.key.slot, a2); }));
        TESSERA_RETURN_IF_ERROR(
            t.Http([&] {
               return w.http->Json("POST", "/reg/sessions/" + sid + "/finish",
                                   {{"client_message", jose::Base64UrlEncode(finished.finish)}});
             }).status());
        return true;
      });
}

// Requests in one open session each, and the plain HTTPS baseline.
std::vector<bench::Figure> SessionRequests(std::vector<bench::Worker>& workers, double seconds) {
  std::vector<bench::Figure> out{bench::Figure("session-entitlements"),
                                 bench::Figure("session-app-echo"), bench::Figure("https-healthz")};
  std::vector<cli::RegSession> sessions;
  for (bench::Worker& w : workers) {
    auto session = cli::Login(*w.http, *w.piv, w.key);
    if (!session.ok()) {
      for (auto& f : out) f.Failed(session.status());
      return out;
    }
    sessions.push_back(std::move(*session));
  }
  bench::Run(out[0], workers.size(), seconds, [&](std::size_t i, bench::Split&) -> Result<bool> {
    cli::RegSession& s = sessions[i];
    const json request = {{"user_id_code", s.user_id_code},
                          {"client", {{"platform", "linux"}, {"program", "reg_bench"}}}};
    TESSERA_RETURN_IF_ERROR(cli::SessionCall(*workers[i].http, s, "POST",
                                             "/reg/sessions/" + s.session_id + "/entitlements",
                                             request.dump())
                                .status());
    return true;
  });
  const json echo = {
      {"method", "GET"}, {"query", "bench=1"}, {"headers", json::array()}, {"body", ""}};
  bench::Run(out[1], workers.size(), seconds, [&](std::size_t i, bench::Split&) -> Result<bool> {
    cli::RegSession& s = sessions[i];
    TESSERA_RETURN_IF_ERROR(cli::SessionCall(*workers[i].http, s, "POST", "/app/echo/echo",
                                             echo.dump(), {{"Tessera-Session", s.session_id}})
                                .status());
    return true;
  });
  bench::Run(out[2], workers.size(), seconds, [&](std::size_t i, bench::Split&) -> Result<bool> {
    TESSERA_ASSIGN_OR_RETURN(cli::HttpResponse r, workers[i].http->Send("GET", "/healthz", "", ""));
    if (r.status != 200) return Status::Unavailable("GET /healthz: " + std::to_string(r.status));
    return true;
  });
  return out;
}

// "SERIAL USER CODE" lines, as run-reg-bench writes them.
std::map<std::uint32_t, std::vector<std::pair<std::string, std::string>>> ReadCodes(
    const std::string& path) {
  std::map<std::uint32_t, std::vector<std::pair<std::string, std::string>>> out;
  std::ifstream in(path);
  std::uint32_t serial = 0;
  std::string user, code;
  while (in >> serial >> user >> code) out[serial].emplace_back(user, code);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"reg_bench: seed 001 registrations and logins per second, with baselines"};
  bench::Options o;
  std::string codes_file, hsm_name, phases_text = "hsm,token,register,login,session";
  double seconds = 5;
  app.add_option("--server", o.server, "tesserad URL (https://127.0.0.1:PORT)")->required();
  app.add_option("--ca-file", o.ca_file, "PEM CA of tesserad's TLS certificate")->required();
  app.add_option("--sim-run", o.sim_run, "tessera-sim's run directory (SERIAL.sock)")->required();
  app.add_option("--token", o.tokens, "a personalized token; one thread each")->required();
  app.add_option("--codes", codes_file, "SERIAL USER CODE lines (tessera reg code issue)");
  app.add_option("--hsm", hsm_name, "the HSM of the raw ECDH rate (TESSERA_HOME)");
  app.add_option("--seconds", seconds, "length of each phase");
  app.add_option("--phases", phases_text, "of hsm,token,register,login,session");
  CLI11_PARSE(app, argc, argv);
  const std::string phases = "," + phases_text + ",";
  auto has = [&](const char* p) {
    return phases.find(std::string(",") + p + ",") != std::string::npos;
  };

  auto workers = bench::OpenWorkers(o);
  if (!workers.ok()) {
    std::fprintf(stderr, "reg_bench: %s\n", workers.status().ToString().c_str());
    return 1;
  }
  const auto codes = ReadCodes(codes_file);
  for (bench::Worker& w : *workers) {
    if (auto c = codes.find(w.serial); c != codes.end()) w.codes = c->second;
  }
  std::vector<bench::Figure> figures;
  if (has("hsm")) figures.push_back(HsmEcdh(hsm_name, workers->size(), seconds));
  if (has("token")) figures.push_back(TokenEcdh(*workers, seconds));
  if (has("register")) figures.push_back(Register(*workers, seconds));
  if (has("login") || has("session")) {
    for (bench::Worker& w : *workers) {  // K, as `tessera reg login` finds it
      auto key = cli::FindRegistrationKey(*w.piv, std::nullopt);
      if (!key.ok()) {
        std::fprintf(stderr, "reg_bench: token %s: %s\n", w.name.c_str(),
                     key.status().ToString().c_str());
        return 1;
      }
      w.key = *key;
    }
  }
  if (has("login")) figures.push_back(Login(*workers, seconds));
  if (has("session")) {
    for (auto& f : SessionRequests(*workers, seconds)) figures.push_back(std::move(f));
  }
  return bench::Report(figures, workers->size());
}
