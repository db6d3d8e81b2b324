// tessera directory migrate | copy | status: the directory's schema and
// its move from one backend to another (docs/directory.md).
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "services/directory/copy.hpp"
#include "services/directory/database.hpp"
#include "services/directory/migrations.hpp"
#include "services/directory/tables.hpp"
#include "tools/tessera/commands.hpp"
#include "tools/tessera/common_options.hpp"

namespace tessera::cli {
namespace {

using directory::Database;
using directory::DatabaseOptions;

// Opens `url` as it is: no migration, an older schema kept.
DatabaseOptions AsItIs() {
  DatabaseOptions options;
  options.migrate = false;
  options.keep_old_schema = true;
  return options;
}

std::unique_ptr<Database> Open(Context& ctx, const std::string& url,
                               const DatabaseOptions& options) {
  auto db = directory::OpenDatabase(url, options);
  if (!ctx.Check("opening the directory " + directory::RedactUrl(url), db.status())) {
    return nullptr;
  }
  return std::move(db).value();
}

// The URL a command works on: --directory, else the settings'.
std::optional<std::string> ResolveUrl(Context& ctx, const std::string& flag) {
  if (!flag.empty()) return flag;
  auto env = LoadEnvironment(ctx);
  if (!env) return std::nullopt;
  return DirectoryUrl(*env, flag);
}

void Migrate(Context& ctx, const std::string& flag) {
  auto url = ResolveUrl(ctx, flag);
  if (!url) return;
  std::int64_t before = 0;
  {
    auto db = Open(ctx, *url, AsItIs());
    if (!db) return;
    auto version = db->SchemaVersion();
    if (!ctx.Check("reading the schema version", version.status())) return;
    before = *version;
  }
  auto db = Open(ctx, *url, DatabaseOptions{});  // migrates
  if (!db) return;
  auto after = db->SchemaVersion();
  if (!ctx.Check("reading the schema version", after.status())) return;
  if (before == *after) {
    std::printf("%s: schema version %lld, the newest; nothing to do\n", db->Describe().c_str(),
                static_cast<long long>(*after));
  } else {
    std::printf("%s: schema version %lld -> %lld\n", db->Describe().c_str(),
                static_cast<long long>(before), static_cast<long long>(*after));
  }
}

void Copy(Context& ctx, const std::string& from_url, const std::string& to_url) {
  DatabaseOptions source_options = AsItIs();
  source_options.create_missing = false;
  auto from = Open(ctx, from_url, source_options);
  if (!from) return;
  auto to = Open(ctx, to_url, DatabaseOptions{});
  if (!to) return;
  auto copied = directory::CopyDirectory(*from, *to);
  if (!ctx.Check("copy", copied.status())) return;
  std::printf("copied %s to %s:\n", from->Describe().c_str(), to->Describe().c_str());
  for (const auto& table : *copied) {
    std::printf("  %-18s %lld rows\n", table.table.c_str(), static_cast<long long>(table.rows));
  }
}

void ShowStatus(Context& ctx, const std::string& flag, bool json) {
  auto url = ResolveUrl(ctx, flag);
  if (!url) return;
  DatabaseOptions options = AsItIs();
  options.create_missing = false;
  auto db = Open(ctx, *url, options);
  if (!db) return;
  auto version = db->SchemaVersion();
  if (!ctx.Check("reading the schema version", version.status())) return;
  auto counts = directory::CountRows(*db, *version);
  if (!ctx.Check("counting rows", counts.status())) return;
  if (json) {
    // {"directory", "schema_version", "tool_schema_version", "rows": {TABLE: N}}
    nlohmann::json rows = nlohmann::json::object();
    for (const auto& table : *counts) rows[table.table] = table.rows;
    std::cout << nlohmann::json{{"directory", db->Describe()},
                                {"schema_version", *version},
                                {"tool_schema_version", directory::kSchemaVersion},
                                {"rows", std::move(rows)}}
                     .dump(2)
              << "\n";
    return;
  }
  std::printf("directory:      %s\n", db->Describe().c_str());
  std::printf("schema version: %lld (this tessera: %lld)\n", static_cast<long long>(*version),
              static_cast<long long>(directory::kSchemaVersion));
  for (const auto& table : *counts) {
    std::printf("  %-18s %lld rows\n", table.table.c_str(), static_cast<long long>(table.rows));
  }
}

}  // namespace

void AddDirectoryCommands(CLI::App& app, Context& ctx) {
  CLI::App* group = app.add_subcommand("directory", "The directory: schema, status, copies");
  group->require_subcommand(1);

  auto url = std::make_shared<std::string>();
  CLI::App* migrate = group->add_subcommand(
      "migrate", "Migrate the directory's schema to the newest version; print before and after");
  AddDirectoryOption(*migrate, *url);
  migrate->callback([&ctx, url] { Migrate(ctx, *url); });

  CLI::App* status = group->add_subcommand(
      "status", "The directory's URL, schema version and rows per table; changes nothing");
  AddDirectoryOption(*status, *url);
  auto json = std::make_shared<bool>(false);
  status->add_flag("--json", *json, "print the status as JSON (docs/cli.md)");
  status->callback([&ctx, url, json] { ShowStatus(ctx, *url, *json); });

  auto from = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();
  CLI::App* copy = group->add_subcommand(
      "copy", "Copy every row of one directory into a new, empty one (e.g. SQLite to PostgreSQL)");
  copy->add_option("--from", *from, "Source directory URL (sqlite:PATH, postgresql://...)")
      ->required();
  copy->add_option("--to", *to, "Target directory URL; must be empty; migrated first")->required();
  copy->callback([&ctx, from, to] { Copy(ctx, *from, *to); });
}

}  // namespace tessera::cli
