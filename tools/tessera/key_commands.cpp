// tessera personalize | mk-replace: seed 003 on one token or all of them,
// on --jobs worker threads, each with its own HSM session. personalize
// --issuer-key also embeds the registration issuer key (seed 001, issue 14).
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "common/card_manager_constants.hpp"
#include "hsm/version_objects.hpp"
#include "services/directory/directory.hpp"
#include "services/keyman/bulk.hpp"
#include "services/keyman/issuer_key_file.hpp"
#include "services/keyman/personalize.hpp"
#include "services/keyman/replace.hpp"
#include "services/runtime/hsm_access.hpp"
#include "tools/tessera/commands.hpp"
#include "tools/tessera/common_options.hpp"

namespace tessera::cli {
namespace {

struct KeyOptions {
  std::string hsm;
  std::uint32_t serial = 0;
  bool all = false;
  int version = 0;
  int jobs = 1;
  bool force = false;
  std::string directory;              // --directory; empty: the settings' one
  std::string issuer_key_file;        // personalize --issuer-key
  std::optional<Bytes> issuer_point;  // read from it before any token is touched
  bool json = false;
  std::string progress = "auto";  // --progress auto|bar|plain|none
};

enum class Job { kPersonalize, kReplace };

ProgressCount CountOf(const keyman::BulkProgress& p) { return {p.done, p.failed, p.total}; }

// What a run works with, opened before any token is touched: the lock, the
// HSM (its PIN and key version are checked here), the directory, the tokens.
struct RunSetup {
  runtime::HomeLock lock;
  std::optional<runtime::HsmAccess> access;
  std::optional<hsm::HsmToken> first_session;
  std::unique_ptr<directory::Directory> directory;
  std::uint8_t version = 0;
  std::vector<keyman::TokenSummary> tokens;
  std::size_t skipped = 0;  // --all: tokens in a lifecycle the job does not apply to
};

// --all takes the tokens the job applies to: MANUFACTURED or PERSONALIZED
// ones for personalize (the latter are counted as already done or resumed),
// PERSONALIZED ones for mk-replace.
bool Applies(Job job, std::uint8_t lifecycle) {
  const auto l = static_cast<cm::Lifecycle>(lifecycle);
  if (job == Job::kReplace) return l == cm::Lifecycle::kPersonalized;
  return l == cm::Lifecycle::kManufactured || l == cm::Lifecycle::kPersonalized;
}

std::optional<RunSetup> Prepare(Context& ctx, const KeyOptions& o, Job job, const char* verb) {
  auto env = LoadEnvironment(ctx);
  if (!env || !CheckSimRunDir(ctx, env->settings)) return std::nullopt;
  auto lock = runtime::HomeLock::Acquire(env->home);
  if (!ctx.Check(verb, lock.status())) return std::nullopt;
  RunSetup setup{std::move(*lock), {}, {}, {}, 0, {}, 0};
  auto access = runtime::HsmAccess::Load(env->home, env->settings);
  if (!ctx.Check("loading the HSM module", access.status())) return std::nullopt;
  setup.access.emplace(std::move(*access));
  auto first = setup.access->Open(o.hsm);
  if (!ctx.Check("opening HSM '" + o.hsm + "'", first.status())) return std::nullopt;
  setup.first_session.emplace(std::move(*first));
  setup.version = static_cast<std::uint8_t>(o.version);
  if (setup.version == 0) {
    auto latest = hsm::HighestCompleteVersion(setup.first_session->session());
    if (!ctx.Check(verb, latest.status())) return std::nullopt;
    setup.version = *latest;
  }
  const std::string url = DirectoryUrl(*env, o.directory);
  auto directory = directory::OpenDirectory(url);
  if (!ctx.Check("opening the directory " + directory::RedactUrl(url), directory.status())) {
    return std::nullopt;
  }
  setup.directory = std::move(*directory);
  if (!o.all) {
    auto token = FindBySerial(ctx, env->settings, o.serial);
    if (!token) return std::nullopt;
    setup.tokens.push_back(std::move(*token));
    return setup;
  }
  std::vector<std::string> problems;
  for (auto& token : keyman::FindTokens(env->settings, &problems)) {
    if (Applies(job, token.lifecycle)) {
      setup.tokens.push_back(std::move(token));
    } else {
      ++setup.skipped;
    }
  }
  for (const auto& p : problems) (void)std::fprintf(stderr, "tessera: %s: %s\n", verb, p.c_str());
  if (!problems.empty()) ctx.exit_code = kExitFailed;
  return setup;
}

struct Tally {
  std::size_t done = 0, already = 0, failed = 0;
};

Tally Count(const std::vector<Status>& results,
            const std::vector<std::optional<keyman::Outcome>>& outcomes) {
  Tally tally;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!results[i].ok()) {
      ++tally.failed;
    } else {
      (*outcomes[i] == keyman::Outcome::kAlreadyDone ? tally.already : tally.done) += 1;
    }
  }
  return tally;
}

// --json: the run as one document, every token with its outcome or error.
void PrintJsonReport(const KeyOptions& o, const RunSetup& setup, const std::vector<Status>& results,
                     const std::vector<std::optional<keyman::Outcome>>& outcomes,
                     const Tally& tally) {
  nlohmann::json tokens = nlohmann::json::array();
  for (std::size_t i = 0; i < setup.tokens.size(); ++i) {
    nlohmann::json t{{"serial", setup.tokens[i].serial}};
    if (results[i].ok()) {
      t["outcome"] = keyman::OutcomeName(*outcomes[i]);
    } else {
      t["error"] = results[i].ToString();
    }
    tokens.push_back(std::move(t));
  }
  nlohmann::json out{{"mk_version", setup.version}, {"tokens", std::move(tokens)},
                     {"done", tally.done},          {"already_done", tally.already},
                     {"failed", tally.failed},      {"skipped", setup.skipped}};
  if (o.issuer_point) out["issuer_key"] = ToHex(*o.issuer_point);
  std::cout << out.dump(2) << "\n";
}

void Report(Context& ctx, const KeyOptions& o, const char* verb, const RunSetup& setup,
            const std::vector<Status>& results,
            const std::vector<std::optional<keyman::Outcome>>& outcomes) {
  const Tally tally = Count(results, outcomes);
  for (std::size_t i = 0; i < setup.tokens.size(); ++i) {
    const std::uint32_t serial = setup.tokens[i].serial;
    if (!results[i].ok()) {
      (void)std::fprintf(stderr, "tessera: %s: token %u: %s\n", verb, serial,
                         results[i].ToString().c_str());
      continue;
    }
    if (!o.all && !o.json) {
      std::printf("token %u: %s (MK version %d)\n", serial, keyman::OutcomeName(*outcomes[i]),
                  setup.version);
    }
  }
  if (o.json) {
    PrintJsonReport(o, setup, results, outcomes, tally);
  } else if (o.all) {
    std::printf(
        "%s: %zu done, %zu already done, %zu failed, %zu skipped (lifecycle), "
        "MK version %d\n",
        verb, tally.done, tally.already, tally.failed, setup.skipped, setup.version);
  }
  if (tally.failed > 0) ctx.exit_code = kExitFailed;
}

void Run(Context& ctx, const KeyOptions& o, Job job) {
  const char* verb = job == Job::kPersonalize ? "personalize" : "mk-replace";
  std::optional<RunSetup> setup = Prepare(ctx, o, job, verb);
  if (!setup) return;
  const auto& tokens = setup->tokens;
  const int jobs = std::max(1, std::min<int>(o.jobs, static_cast<int>(tokens.size())));
  // PKCS#11 sessions are single-threaded (§5.6.1): one per worker.
  std::vector<std::optional<hsm::HsmToken>> sessions(static_cast<std::size_t>(jobs));
  sessions[0] = std::move(setup->first_session);
  auto open_session = [&] { return setup->access->Open(o.hsm); };
  // mk-replace: each worker recovers its next token's KRK while it works on
  // the current one (krk_prefetch.hpp).
  std::vector<std::unique_ptr<keyman::KrkPrefetcher>> prefetchers(static_cast<std::size_t>(jobs));
  std::vector<std::optional<keyman::Outcome>> outcomes(tokens.size());
  ProgressRenderer progress =
      MakeProgressRenderer(o.progress, o.all, std::string("tessera: ") + verb);
  const keyman::StepOptions step_options{setup->version, o.force, o.issuer_point};
  auto work = [&](int worker, std::size_t i, std::size_t upcoming) -> Status {
    auto& session = sessions[static_cast<std::size_t>(worker)];
    if (!session) {
      auto opened = open_session();
      if (!opened.ok()) return opened.status();
      session.emplace(std::move(*opened));
    }
    Result<keyman::Outcome> outcome = Status::Internal("no step");
    if (job == Job::kPersonalize) {
      outcome =
          keyman::PersonalizeToken(*session, *setup->directory, tokens[i].reader, step_options);
    } else {
      auto& prefetcher = prefetchers[static_cast<std::size_t>(worker)];
      if (!prefetcher) {
        prefetcher = std::make_unique<keyman::KrkPrefetcher>(open_session, *setup->directory);
      }
      // A token the listing saw at the target needs no KRK: no prefetch.
      auto wants_krk = [&](std::size_t k) { return tokens[k].mk_version != setup->version; };
      if (wants_krk(i)) prefetcher->Prepare(tokens[i].uid);
      prefetcher->SetNext(upcoming != keyman::kNoIndex && wants_krk(upcoming)
                              ? std::optional<Bytes>(tokens[upcoming].uid)
                              : std::nullopt);
      outcome = keyman::ReplaceMasterKey(*session, *setup->directory, tokens[i].reader,
                                         step_options, prefetcher.get());
      prefetcher->Advance();  // when the job ended before its UNLOCK
    }
    if (!outcome.ok()) return outcome.status();
    outcomes[i] = *outcome;
    return Status::Ok();
  };
  keyman::BulkProgress last;
  auto results = keyman::RunBulk(tokens.size(), jobs, /*lookahead=*/job == Job::kReplace, work,
                                 [&](const keyman::BulkProgress& p) {
                                   last = p;
                                   progress.Update(CountOf(p));
                                 });
  progress.Finish(CountOf(last));
  // Prefetchers (and their sessions) go before the worker sessions.
  prefetchers.clear();
  Report(ctx, o, verb, *setup, results, outcomes);
}

void AddTargetOptions(CLI::App& command, KeyOptions& o) {
  command.add_option("--hsm", o.hsm, "Access-server HSM name")->required();
  auto* token = command.add_option("--token", o.serial, "Serial of the one token to work on")
                    ->default_str("none");
  auto* all = command.add_flag("--all", o.all, "Every reachable token");
  token->excludes(all);
  all->excludes(token);
  command.add_option("--jobs", o.jobs, "Tokens worked on at once, each with its own HSM session")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  AddProgressOption(command, o.progress);
  AddDirectoryOption(command, o.directory);
  command.callback([] {});
}

}  // namespace

void AddKeyCommands(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<KeyOptions>();
  CLI::App* personalize = app.add_subcommand(
      "personalize", "Install the key replacement key (KRK) and the master key (MK) in new tokens");
  AddTargetOptions(*personalize, *options);
  personalize
      ->add_option("--mk-version", options->version,
                   "Key version to personalize with (default: the HSM's highest)")
      ->check(CLI::Range(1, 127))
      ->default_str("highest");
  personalize->add_option("--issuer-key", options->issuer_key_file,
                          "Also embed this registration issuer key (card-manager key 10): a PEM "
                          "certificate, as `tessera ca cert` prints, or a PEM public key; P-256");
  personalize->add_flag("--json", options->json, "print the run as JSON");
  personalize->callback([&ctx, options, personalize] {
    if (!options->all && personalize->count("--token") == 0) {
      throw CLI::RequiredError("--token or --all");
    }
    if (!options->issuer_key_file.empty()) {
      // A bad file is bad usage, found before any token or HSM is touched.
      auto point = keyman::ReadIssuerKeyFile(options->issuer_key_file);
      if (!point.ok()) {
        (void)std::fprintf(stderr, "tessera: personalize: --issuer-key: %s\n",
                           point.status().message().c_str());
        ctx.exit_code = kExitUsage;
        return;
      }
      options->issuer_point = std::move(*point);
    }
    Run(ctx, *options, Job::kPersonalize);
  });

  CLI::App* replace = app.add_subcommand(
      "mk-replace", "Replace the master key (MK) of issued tokens, unlocking them with their KRK");
  AddTargetOptions(*replace, *options);
  replace->add_flag("--force", options->force,
                    "UNLOCK even when an earlier UNLOCK failed on the token (spends a KRK try)");
  replace->add_option("--to-version", options->version, "New MK version, 1 to 127")
      ->required()
      ->check(CLI::Range(1, 127));
  replace->callback([&ctx, options, replace] {
    if (!options->all && replace->count("--token") == 0) {
      throw CLI::RequiredError("--token or --all");
    }
    Run(ctx, *options, Job::kReplace);
  });
}

}  // namespace tessera::cli
