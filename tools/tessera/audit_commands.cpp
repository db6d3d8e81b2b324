// tessera audit init | key | checkpoint | verify | list: the audit log's
// checkpoint key in an HSM, signing its head, and checking the log offline
// (docs/audit.md). verify exits 0 when the log is intact, 1 when a record is
// broken (naming the first one) or the check could not run, 2 on bad usage.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>

#include "services/audit/audit_json.hpp"
#include "services/audit/audit_key.hpp"
#include "services/audit/checkpoint_key.hpp"
#include "services/audit/checkpointer.hpp"
#include "services/audit/verify.hpp"
#include "services/directory/database.hpp"
#include "services/directory/stores/audit_store.hpp"
#include "services/runtime/hsm_access.hpp"
#include "tools/tessera/commands.hpp"
#include "tools/tessera/common_options.hpp"

namespace tessera::cli {
namespace {

struct AuditOptions {
  std::string hsm;
  std::string key_label = audit::kDefaultKeyLabel;
  std::string key_type = "p256";
  std::string key_file;
  std::string directory;
  std::int64_t from = 1;
  std::int64_t limit = 0;
  bool checkpoints = false;
};

std::int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// --directory, else the settings' directory (docs/cli.md).
std::unique_ptr<directory::Database> OpenDirectory(Context& ctx, const Environment& env,
                                                   const std::string& flag) {
  const std::string url = DirectoryUrl(env, flag);
  auto db = directory::OpenDatabase(url);
  if (!ctx.Check("opening the directory " + url, db.status())) return nullptr;
  return std::move(db).value();
}

std::optional<hsm::HsmToken> OpenHsm(Context& ctx, const Environment& env,
                                     const std::string& name) {
  auto access = runtime::HsmAccess::Load(env.home, env.settings);
  if (!ctx.Check("loading the HSM module", access.status())) return std::nullopt;
  auto token = access->Open(name);
  if (!ctx.Check("opening HSM '" + name + "'", token.status())) return std::nullopt;
  return std::move(token).value();
}

void PrintPem(Context& ctx, const Bytes& spki) {
  auto pem = audit::PublicKeyPem(spki);
  if (!ctx.Check("encoding the audit key", pem.status())) return;
  (void)std::fputs(pem->c_str(), stdout);
}

void Init(Context& ctx, const AuditOptions& o) {
  auto env = LoadEnvironment(ctx);
  if (!env) return;
  auto type = hsm::SigningKeyTypeFromString(o.key_type);
  if (!type.ok()) {
    (void)std::fprintf(stderr, "tessera: audit init: %s\n", type.status().message().c_str());
    ctx.exit_code = kExitUsage;
    return;
  }
  auto token = OpenHsm(ctx, *env, o.hsm);
  if (!token) return;
  auto spki = audit::CreateCheckpointKey(token->session(), o.key_label, *type);
  if (!ctx.Check("audit init", spki.status())) return;
  std::printf("created audit checkpoint key '%s' (%s) on HSM '%s', %s\n", o.key_label.c_str(),
              o.key_type.c_str(), o.hsm.c_str(), audit::KeyFingerprint(*spki).c_str());
  PrintPem(ctx, *spki);
}

void Key(Context& ctx, const AuditOptions& o) {
  auto env = LoadEnvironment(ctx);
  if (!env) return;
  auto token = OpenHsm(ctx, *env, o.hsm);
  if (!token) return;
  auto key = audit::FindCheckpointKey(token->session(), o.key_label);
  if (!ctx.Check("audit key", key.status())) return;
  PrintPem(ctx, key->public_key);
}

void Checkpoint(Context& ctx, const AuditOptions& o) {
  auto env = LoadEnvironment(ctx);
  if (!env) return;
  auto db = OpenDirectory(ctx, *env, o.directory);
  if (!db) return;
  auto access = runtime::HsmAccess::Load(env->home, env->settings);
  if (!ctx.Check("loading the HSM module", access.status())) return;
  audit::Checkpointer checkpointer(*db, *access, {o.hsm, o.key_label, {}});
  auto made = checkpointer.CheckpointNow(Now());
  if (!ctx.Check("audit checkpoint", made.status())) return;
  if (!made->has_value()) {
    std::printf("nothing to sign: the log is empty or its head is already signed\n");
    return;
  }
  const directory::AuditCheckpoint& c = **made;
  std::printf("checkpoint at record %lld: head %s signed by %s on HSM '%s'\n",
              static_cast<long long>(c.seq), ToHex(c.head_hash).c_str(),
              audit::KeyFingerprint(c.public_key).c_str(), o.hsm.c_str());
}

// The key verify pins: from --key FILE or from the HSM.
std::optional<Bytes> PinnedKey(Context& ctx, const Environment& env, const AuditOptions& o) {
  if (!o.key_file.empty()) {
    std::ifstream in(o.key_file);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      (void)std::fprintf(stderr, "tessera: audit verify: cannot read %s\n", o.key_file.c_str());
      ctx.exit_code = kExitFailed;
      return std::nullopt;
    }
    auto spki = audit::PublicKeyFromPem(text.str());
    if (!ctx.Check("reading " + o.key_file, spki.status())) return std::nullopt;
    return std::move(spki).value();
  }
  auto token = OpenHsm(ctx, env, o.hsm);
  if (!token) return std::nullopt;
  auto key = audit::FindCheckpointKey(token->session(), o.key_label);
  if (!ctx.Check("audit verify", key.status())) return std::nullopt;
  return key->public_key;
}

void PrintReport(const audit::VerifyReport& r, const Bytes& pinned) {
  if (r.anchor_checkpoint > 0 && r.from > 1) {
    std::printf("starting at the checkpoint at record %lld (the newest at or before --from %lld)\n",
                static_cast<long long>(r.anchor_checkpoint), static_cast<long long>(r.from));
  }
  if (r.broken) {
    if (r.records_checked > 0) {
      std::printf("records %lld to %lld are intact\n", static_cast<long long>(r.start),
                  static_cast<long long>(r.last_seq));
    }
    std::printf("audit log BROKEN at record %lld: %s\n", static_cast<long long>(r.broken->seq),
                r.broken->what.c_str());
    return;
  }
  if (r.records_checked == 0) {
    std::printf("audit log intact: no records\n");
    return;
  }
  std::printf("audit log intact: records %lld to %lld, %lld checkpoints verified with key %s\n",
              static_cast<long long>(r.start), static_cast<long long>(r.last_seq),
              static_cast<long long>(r.checkpoints_checked), audit::KeyFingerprint(pinned).c_str());
  if (r.unsigned_records() > 0) {
    const std::string last = r.last_checkpoint > 0 ? "the last checkpoint (record " +
                                                         std::to_string(r.last_checkpoint) + ")"
                                                   : "any checkpoint";
    const std::int64_t first_unsigned = r.last_seq - r.unsigned_records() + 1;
    std::printf("unsigned tail: records %lld to %lld are not covered by %s\n",
                static_cast<long long>(first_unsigned), static_cast<long long>(r.last_seq),
                last.c_str());
  }
}

void Verify(Context& ctx, const AuditOptions& o) {
  if (o.hsm.empty() == o.key_file.empty()) {
    (void)std::fprintf(stderr,
                       "tessera: audit verify: pin the checkpoint key with --hsm NAME or "
                       "--key FILE (from `tessera audit key`), one of them\n");
    ctx.exit_code = kExitUsage;
    return;
  }
  auto env = LoadEnvironment(ctx);
  if (!env) return;
  std::optional<Bytes> pinned = PinnedKey(ctx, *env, o);
  if (!pinned) return;
  auto db = OpenDirectory(ctx, *env, o.directory);
  if (!db) return;
  auto report = audit::VerifyLog(*db, {o.from, *pinned, 1000});
  if (!ctx.Check("audit verify", report.status())) return;
  PrintReport(*report, *pinned);
  if (!report->intact()) ctx.exit_code = kExitFailed;
}

void List(Context& ctx, const AuditOptions& o) {
  auto env = LoadEnvironment(ctx);
  if (!env) return;
  auto db = OpenDirectory(ctx, *env, o.directory);
  if (!db) return;
  constexpr std::int64_t kPage = 1000;
  Status read = db->Read([&](directory::SqlTransaction& tx) -> Status {
    if (o.checkpoints) {
      TESSERA_ASSIGN_OR_RETURN(auto checkpoints, directory::ListCheckpoints(tx));
      for (const auto& c : checkpoints) std::printf("%s\n", audit::CheckpointJson(c).c_str());
      return Status::Ok();
    }
    std::int64_t next = o.from;
    std::int64_t left = o.limit > 0 ? o.limit : std::numeric_limits<std::int64_t>::max();
    while (left > 0) {
      TESSERA_ASSIGN_OR_RETURN(auto rows, directory::ListAudit(tx, next, std::min(kPage, left)));
      for (const auto& row : rows) std::printf("%s\n", audit::RecordJson(row).c_str());
      if (static_cast<std::int64_t>(rows.size()) < std::min(kPage, left)) break;
      left -= static_cast<std::int64_t>(rows.size());
      next = rows.back().seq + 1;
    }
    return Status::Ok();
  });
  (void)ctx.Check("audit list", read);
}

void AddKeyLabelOption(CLI::App& command, AuditOptions& o) {
  command.add_option("--key-label", o.key_label, "Label of the checkpoint key in the HSM")
      ->capture_default_str();
}

}  // namespace

void AddAuditCommands(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<AuditOptions>();
  CLI::App* audit = app.add_subcommand("audit", "The audit log: checkpoints and verification");
  audit->require_subcommand(1);

  CLI::App* init = audit->add_subcommand("init", "Create the checkpoint key in an HSM");
  init->add_option("--hsm", o->hsm, "HSM name")->required();
  init->add_option("--type", o->key_type, "p256, p384 or rsa3072")->capture_default_str();
  AddKeyLabelOption(*init, *o);
  init->callback([&ctx, o] { Init(ctx, *o); });

  CLI::App* key = audit->add_subcommand("key", "Print the checkpoint key (PEM) to pin it");
  key->add_option("--hsm", o->hsm, "HSM name")->required();
  AddKeyLabelOption(*key, *o);
  key->callback([&ctx, o] { Key(ctx, *o); });

  CLI::App* checkpoint = audit->add_subcommand("checkpoint", "Sign the head of the log now");
  checkpoint->add_option("--hsm", o->hsm, "HSM name")->required();
  AddKeyLabelOption(*checkpoint, *o);
  AddDirectoryOption(*checkpoint, o->directory);
  checkpoint->callback([&ctx, o] { Checkpoint(ctx, *o); });

  CLI::App* verify = audit->add_subcommand(
      "verify", "Check the chain and the checkpoints; exit 1 naming the first broken record");
  verify->add_option("--from", o->from, "Start at the checkpoint at or before this record")
      ->check(CLI::PositiveNumber);
  verify->add_option("--hsm", o->hsm, "Pin the key of this HSM");
  verify->add_option("--key", o->key_file, "Pin the key in this PEM file");
  AddKeyLabelOption(*verify, *o);
  AddDirectoryOption(*verify, o->directory);
  verify->callback([&ctx, o] { Verify(ctx, *o); });

  CLI::App* list = audit->add_subcommand("list", "Print records (or checkpoints) as JSON lines");
  list->add_option("--from", o->from, "First record")->check(CLI::PositiveNumber);
  list->add_option("--limit", o->limit, "At most this many records")
      ->check(CLI::PositiveNumber)
      ->default_str("all");
  list->add_flag("--checkpoints", o->checkpoints, "Print the checkpoints instead");
  AddDirectoryOption(*list, o->directory);
  list->callback([&ctx, o] { List(ctx, *o); });
}

}  // namespace tessera::cli
