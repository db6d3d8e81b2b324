// PostgresServer: a real PostgreSQL server for tests, run with pg_ctl
// (/usr/lib/postgresql/15/bin) in a temporary directory, on a copy of a
// cluster initdb made once per machine and user
// (/tmp/tessera-pg-template-<uid>-15; delete it to have it made again).
//
// It listens only on a UNIX socket in that directory (listen_addresses is
// empty), trusts local connections as the superuser "postgres", and runs
// with fsync off, since a test never needs its data after a crash. Tests run
// as root here and in CI, and initdb refuses root: then initdb and pg_ctl run
// as the `postgres` system user (runuser), which owns the directory; as
// anyone else they run as that user. The destructor stops the server
// (immediate mode) and removes the directory, but only in the process that
// started it, so a forked child that exits normally leaves it running.
//
// One server per test binary is the intended use (SharedPostgresServer), with
// a fresh, empty place per test (NewDatabase): a schema of its own, which is
// instant where CREATE DATABASE takes most of a second. Not thread-safe: set
// up and stop/start it from the test's main thread.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace tessera::testing {

class PostgresServer {
 public:
  // Runs initdb and starts the server; aborts the test binary with a message
  // on stderr when it cannot (nothing a test could do would mean anything).
  PostgresServer();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // For the outage tests: stop (immediate mode: connections are cut at once)
  // and start again; false with a message on stderr when pg_ctl fails.
  bool Stop();
  bool Start();
  bool Restart();

  // libpq's URL of `database` on this server:
  // "postgresql:///postgres?host=/tmp/tessera-pg-XXXXXX&user=postgres".
  std::string URL(const std::string& database = "postgres") const;
  // CREATE SCHEMA t_<n> (a new n each call) in database "postgres"; a URL
  // whose connections use only it (options=-c search_path=t_<n>), so to a
  // client it is an empty database of its own.
  std::string NewDatabase();
  const std::filesystem::path& dir() const { return dir_; }

 private:
  bool PgCtl(const std::string& action, const std::string& extra = "");

  std::filesystem::path dir_;  // socket, log and data/ live here
  pid_t owner_ = 0;            // the process that started it
  bool running_ = false;
  int databases_ = 0;
};

// The one server of this test binary, started on first use and stopped when
// the binary exits.
PostgresServer& SharedPostgresServer();

}  // namespace tessera::testing
