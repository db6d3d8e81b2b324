// softtoken_bench: seed 002 (issue 15) soft-token issuances per second end
// to end, through the real CLI and driven in process, against the HSM's own
// ES256 rate, and the page's response times under concurrent users against
// plain HTTPS on the same daemon, all measured in one run
// (tests/bench/services/run-softtoken-bench sets up SoftHSM2, the CA, the
// soft-token issuer, the cards the CMS issued and activated, the device
// tokens, and starts tesserad with ca, cms and softtoken on HTTPS loopback).
//
// The phases, in order (softtoken_bench.hpp says what each does):
//   hsm, cli, inprocess, page.
// Prints one line per figure ("softtoken-bench NAME ops=... ops/s=...") and
// the ratios; asserts nothing (the exit status says whether everything
// worked).
#include "tests/bench/services/softtoken_bench.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>

#include "hsm/agreement_key.hpp"
#include "hsm/signing_key.hpp"
#include "services/runtime/hsm_access.hpp"

namespace tessera::stbench {

// One signing input about an SD-JWT VC's size (header with x5c, claims).
Figure HsmSign(const Options& o) {
  Figure figure{"hsm-es256"};
  auto home = runtime::OpenHome();
  auto settings =
      home.ok() ? runtime::LoadSettings(*home) : Result<runtime::Settings>(home.status());
  auto access = settings.ok() ? runtime::HsmAccess::Load(*home, *settings)
                              : Result<runtime::HsmAccess>(settings.status());
  if (!access.ok()) return figure.Failed(access.status());
  std::vector<std::optional<hsm::HsmToken>> tokens(o.threads);
  std::vector<hsm::SigningKey> keys(o.threads);
  for (std::size_t w = 0; w < o.threads; ++w) {
    auto token = access->Open(o.hsm);
    if (!token.ok()) return figure.Failed(token.status());
    auto key = hsm::FindSigningKey(token->session(), o.issuer_label);
    if (!key.ok()) return figure.Failed(key.status().Prefixed(o.issuer_label + ": "));
    tokens[w].emplace(std::move(*token));
    keys[w] = *key;
  }
  const Bytes input(2400, 0x5A);
  return Run(figure, o.threads, o.seconds, [&](std::size_t w, Split&) -> Result<bool> {
    TESSERA_RETURN_IF_ERROR(hsm::SignEs256(tokens[w]->session(), keys[w], input).status());
    return true;
  });
}

}  // namespace tessera::stbench

namespace {

using tessera::stbench::Figure;

const Figure* Find(const std::vector<Figure>& figures, const std::string& name) {
  for (const Figure& f : figures) {
    if (f.name == name && f.ops > 0) return &f;
  }
  return nullptr;
}

// One line per figure, then the ratios whose both sides were measured.
int Report(const std::vector<Figure>& figures) {
  bool failed = false;
  for (const Figure& f : figures) {
    std::printf("softtoken-bench %s threads=%zu ops=%ld failures=%ld seconds=%.2f ops/s=%.1f",
                f.name.c_str(), f.threads, f.ops, f.failures, f.seconds, f.rate());
    if (!f.latency_ms.empty()) {
      std::printf(" ms: p50=%.2f p99=%.2f max=%.2f", f.Percentile(50), f.Percentile(99),
                  f.Percentile(100));
    }
    if (f.ops > 0 && !f.split.seconds.empty()) {
      std::printf(" per_op_ms:");
      for (const auto& [name, s] : f.split.seconds) {
        std::printf(" %s=%.2f", name.c_str(), 1000 * s / static_cast<double>(f.ops));
      }
    }
    std::printf("\n");
    if (f.failures > 0 || f.ops == 0) {
      failed = true;
      std::fprintf(stderr, "softtoken_bench: %s: %ld failed; first error: %s\n", f.name.c_str(),
                   f.failures, f.error.empty() ? "(none, nothing done)" : f.error.c_str());
    }
  }
  auto ratio = [&](const char* name, const char* base) {
    const Figure* f = Find(figures, name);
    const Figure* b = Find(figures, base);
    if (f && b)
      std::printf("softtoken-bench ratio %s/%s=%.4f\n", name, base, f->rate() / b->rate());
  };
  ratio("issue-cli", "hsm-es256");
  ratio("issue-inprocess", "hsm-es256");
  ratio("page", "https-healthz");
  if (const Figure* p = Find(figures, "page"), *h = Find(figures, "https-healthz"); p && h) {
    std::printf("softtoken-bench ratio page-p99/https-healthz-p99=%.2f\n",
                h->Percentile(99) > 0 ? p->Percentile(99) / h->Percentile(99) : 0.0);
  }
  return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tessera::stbench;  // NOLINT(google-build-using-namespace): a bench's main
  CLI::App app{"softtoken_bench: seed 002 issuances per second and the page under load"};
  Options o;
  std::string phases_text = "hsm,cli,inprocess,page";
  app.add_option("--server", o.server, "tesserad URL (https://127.0.0.1:PORT)")->required();
  app.add_option("--ca-file", o.ca_file, "PEM CA of tesserad's TLS certificate")->required();
  app.add_option("--module", o.module, "tessera-pkcs11.so (the cards' 9A keys)")->required();
  app.add_option("--hsm", o.hsm, "the HSM of the issuer key (TESSERA_HOME)")->required();
  app.add_option("--tessera", o.tessera, "the tessera CLI binary (the cli phase)");
  app.add_option("--work-dir", o.work_dir, "where the CLI writes soft tokens and its stderr");
  app.add_option("--pin-file", o.pin_file, "the cards' PIN (mode 0600)")->required();
  app.add_option("--device", o.devices, "a device token; pairs with --card in order")->required();
  app.add_option("--card", o.cards, "an ID card the CMS issued and activated")->required();
  app.add_option("--format", o.format, "sd-jwt-vc|x509 (sd-jwt-vc)");
  app.add_option("--seconds", o.seconds, "length of each phase but cli");
  app.add_option("--cli-seconds", o.cli_seconds, "length of the cli phase (20)");
  app.add_option("--threads", o.threads, "in-process pairs and HSM threads (2)");
  app.add_option("--cli-threads", o.cli_threads, "CLI pairs at once (2)");
  app.add_option("--users", o.users, "the page's concurrent users (50)");
  app.add_option("--phases", phases_text, "of hsm,cli,inprocess,page");
  CLI11_PARSE(app, argc, argv);
  const std::string phases = "," + phases_text + ",";
  auto has = [&](const char* p) {
    return phases.find(std::string(",") + p + ",") != std::string::npos;
  };
  const std::size_t pairs = std::min(o.devices.size(), o.cards.size());
  if (pairs < std::max(o.threads, o.cli_threads)) {
    std::fprintf(stderr, "softtoken_bench: %zu device/card pairs for %zu threads\n", pairs,
                 std::max(o.threads, o.cli_threads));
    return 2;
  }
  std::vector<Figure> figures;
  if (has("hsm")) figures.push_back(HsmSign(o));
  if (has("cli")) figures.push_back(IssueByCli(o));
  if (has("inprocess")) figures.push_back(IssueInProcess(o));
  if (has("page")) {
    for (Figure& f : PageLoad(o)) figures.push_back(std::move(f));
  }
  return Report(figures);
}
