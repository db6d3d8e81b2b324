// tessera personalize | mk-replace: seed 003 on one token or all of them,
// on --jobs worker threads, each with its own HSM session.
#include <unistd.h>

#include <cstdio>
#include <mutex>

#include "host/directory/sqlite/sqlite_directory.hpp"
#include "host/keyman/bulk.hpp"
#include "host/keyman/hsm_access.hpp"
#include "host/keyman/personalize.hpp"
#include "host/keyman/replace.hpp"
#include "host/tools/tessera/commands.hpp"
#include "host/tools/tessera/common_options.hpp"

namespace tessera::cli {
namespace {

struct KeyOptions {
  std::string hsm;
  std::uint32_t serial = 0;
  bool all = false;
  int version = 0;
  int jobs = 1;
};

enum class Job { kPersonalize, kReplace };

using TokenStep = Result<keyman::Outcome> (*)(hsm::HsmToken&, directory::Directory&,
                                              const std::shared_ptr<host::Reader>&, std::uint8_t);

void PrintProgress(const keyman::BulkProgress& progress, bool tty) {
  if (!tty) return;
  (void)std::fprintf(stderr, "\r%s", keyman::FormatProgress(progress).c_str());
}

void Run(Context& ctx, const KeyOptions& o, Job job) {
  const char* verb = job == Job::kPersonalize ? "personalize" : "mk-replace";
  auto env = LoadEnvironment(ctx);
  if (!env) return;
  auto access = keyman::HsmAccess::Load(env->home, env->settings);
  if (!ctx.Check("loading the HSM module", access.status())) return;
  // The first session also checks the HSM, its PIN and the key version
  // before any token is touched.
  auto first = access->Open(o.hsm);
  if (!ctx.Check("opening HSM '" + o.hsm + "'", first.status())) return;
  std::uint8_t version = static_cast<std::uint8_t>(o.version);
  if (version == 0) {
    auto latest = keyman::LatestVersion(*first);
    if (!ctx.Check(verb, latest.status())) return;
    version = *latest;
  }
  auto directory = directory::OpenSqliteDirectory(env->home.directory_db());
  if (!ctx.Check("opening the directory", directory.status())) return;

  std::vector<keyman::TokenSummary> tokens;
  if (o.all) {
    std::vector<std::string> problems;
    tokens = keyman::FindTokens(env->settings, &problems);
    for (const auto& p : problems) (void)std::fprintf(stderr, "tessera: %s: %s\n", verb, p.c_str());
    if (!problems.empty()) ctx.exit_code = kExitFailed;
  } else {
    auto token = FindBySerial(ctx, env->settings, o.serial);
    if (!token) return;
    tokens.push_back(std::move(*token));
  }

  const TokenStep step =
      job == Job::kPersonalize ? &keyman::PersonalizeToken : &keyman::ReplaceMasterKey;
  const int jobs = std::max(1, std::min<int>(o.jobs, static_cast<int>(tokens.size())));
  std::vector<std::optional<hsm::HsmToken>> sessions(static_cast<std::size_t>(jobs));
  sessions[0].emplace(std::move(*first));
  std::vector<std::optional<keyman::Outcome>> outcomes(tokens.size());
  const bool tty = ::isatty(STDERR_FILENO) == 1;

  auto results = keyman::RunBulk(
      tokens.size(), jobs,
      [&](int worker, std::size_t i) -> Status {
        auto& session = sessions[static_cast<std::size_t>(worker)];
        if (!session) {
          auto opened = access->Open(o.hsm);
          if (!opened.ok()) return opened.status();
          session.emplace(std::move(*opened));
        }
        auto outcome = step(*session, **directory, tokens[i].reader, version);
        if (!outcome.ok()) return outcome.status();
        outcomes[i] = *outcome;
        return Status::Ok();
      },
      [&](const keyman::BulkProgress& progress) { PrintProgress(progress, tty); });

  std::size_t done = 0, skipped = 0, failed = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (!results[i].ok()) {
      ++failed;
      (void)std::fprintf(stderr, "%stessera: %s: token %u: %s\n", tty && failed == 1 ? "\n" : "",
                         verb, tokens[i].serial, results[i].ToString().c_str());
      continue;
    }
    if (*outcomes[i] == keyman::Outcome::kAlreadyDone) {
      ++skipped;
    } else {
      ++done;
    }
    if (!o.all) {
      std::printf("token %u: %s (MK version %d)\n", tokens[i].serial,
                  keyman::OutcomeName(*outcomes[i]), version);
    }
  }
  if (tty) (void)std::fprintf(stderr, "\n");
  if (o.all) {
    std::printf("%s: %zu done, %zu already at MK version %d, %zu failed, of %zu tokens\n", verb,
                done, skipped, version, failed, tokens.size());
  }
  if (failed > 0) ctx.exit_code = kExitFailed;
}

void AddTargetOptions(CLI::App& command, KeyOptions& o) {
  command.add_option("--hsm", o.hsm, "Access-server HSM name")->required();
  auto* token = command.add_option("--token", o.serial, "Serial of the one token to work on");
  auto* all = command.add_flag("--all", o.all, "Every reachable token");
  token->excludes(all);
  all->excludes(token);
  command.add_option("--jobs", o.jobs, "Tokens worked on at once, each with its own HSM session")
      ->check(CLI::Range(1, 64));
  command.callback([] {});
}

}  // namespace

void AddKeyCommands(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<KeyOptions>();
  CLI::App* personalize = app.add_subcommand(
      "personalize", "Install the KRK and the MK in new tokens (seed 003 claims 1-14, 29-34)");
  AddTargetOptions(*personalize, *options);
  personalize
      ->add_option("--mk-version", options->version,
                   "Key version to personalize with (default: the HSM's highest)")
      ->check(CLI::Range(1, 127));
  personalize->callback([&ctx, options, personalize] {
    if (!options->all && personalize->count("--token") == 0) {
      throw CLI::RequiredError("--token or --all");
    }
    Run(ctx, *options, Job::kPersonalize);
  });

  CLI::App* replace = app.add_subcommand(
      "mk-replace",
      "Replace the MK of issued tokens under their KRK (seed 003 claims 15-28, 35-40)");
  AddTargetOptions(*replace, *options);
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
