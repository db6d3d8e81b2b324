#include "tests/support/postgres_server.hpp"

#include <fcntl.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <system_error>
#include <vector>

#include "tests/support/run_tool.hpp"

namespace tessera::testing {
namespace {

constexpr const char* kBin = "/usr/lib/postgresql/15/bin/";

[[noreturn]] void Die(const std::string& what) {
  (void)std::fprintf(stderr, "PostgresServer: %s\n", what.c_str());
  std::abort();
}

bool AsRoot() { return ::geteuid() == 0; }

// argv for `program`, run as the postgres user when we are root.
std::vector<std::string> Command(const std::string& program, std::vector<std::string> args) {
  std::vector<std::string> argv;
  if (AsRoot()) argv = {"runuser", "-u", "postgres", "--"};
  argv.push_back(kBin + program);
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

// initdb takes seconds under the sanitizers and every test process would run
// it: one cluster per machine and user is made once, under a lock, and each
// server starts from a copy (cp -a keeps the postgres user's ownership and
// the 0700 mode the server insists on). A half-made one is never seen: it is
// made beside and renamed into place.
std::filesystem::path TemplateCluster() {
  const std::filesystem::path base =
      "/tmp/tessera-pg-template-" + std::to_string(::geteuid()) + "-15";
  const std::filesystem::path data = base / "data";
  if (std::filesystem::exists(data / "PG_VERSION")) return data;
  const std::string lock_path = base.string() + ".lock";
  const int lock = ::open(lock_path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  if (lock < 0 || ::flock(lock, LOCK_EX) != 0) Die("cannot lock " + lock_path);
  if (!std::filesystem::exists(data / "PG_VERSION")) {
    std::string pattern = base.string() + ".new-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) Die("cannot make " + pattern);
    const std::filesystem::path fresh = pattern;
    if (AsRoot()) {
      const passwd* pw = ::getpwnam("postgres");
      if (pw == nullptr) Die("running as root, and there is no postgres user to run initdb as");
      if (::chown(fresh.c_str(), pw->pw_uid, pw->pw_gid) != 0) Die("cannot chown " + pattern);
    }
    const ToolResult init =
        RunTool(Command("initdb", {"-D", (fresh / "data").string(), "-U", "postgres",
                                   "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"}),
                std::chrono::seconds(120));
    if (init.exit_code != 0) Die("initdb failed: " + init.Describe());
    std::error_code ec;
    std::filesystem::remove_all(base, ec);
    std::filesystem::rename(fresh, base, ec);
    if (ec) Die("cannot move the template cluster into " + base.string() + ": " + ec.message());
  }
  ::close(lock);
  return data;
}

struct PgConnFree {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct PgResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};

}  // namespace

PostgresServer::PostgresServer() : owner_(::getpid()) {
  // /tmp, not TMPDIR: the socket path must fit in sun_path (108 bytes).
  std::string pattern = "/tmp/tessera-pg-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) Die("cannot make a directory in /tmp");
  dir_ = pattern;
  if (AsRoot()) {
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) Die("running as root, and there is no postgres user to run initdb as");
    if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) Die("cannot chown " + dir_.string());
  }
  const std::filesystem::path cluster = TemplateCluster();
  const ToolResult copy =
      RunTool({"cp", "-a", cluster.string(), (dir_ / "data").string()}, std::chrono::seconds(60));
  if (copy.exit_code != 0) Die("cannot copy the template cluster: " + copy.Describe());
  if (!Start()) Die("the server did not start; log in " + (dir_ / "log").string());
}

PostgresServer::~PostgresServer() {
  if (::getpid() != owner_) return;  // a forked child: the server is the parent's
  if (running_) (void)Stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

bool PostgresServer::PgCtl(const std::string& action, const std::string& extra) {
  std::vector<std::string> args = {"-D", (dir_ / "data").string(), "-w", "-t", "60"};
  if (!extra.empty()) args.insert(args.end(), {"-o", extra});
  if (action != "stop") args.insert(args.end(), {"-l", (dir_ / "log").string()});
  args.insert(args.end(), {"-m", "immediate", action});
  const ToolResult r = RunTool(Command("pg_ctl", args), std::chrono::seconds(90));
  if (r.exit_code == 0) return true;
  (void)std::fprintf(stderr, "PostgresServer: pg_ctl %s failed: %s\n", action.c_str(),
                     r.Describe().c_str());
  return false;
}

bool PostgresServer::Start() {
  // Only the socket; fsync off, since the machine never crashes under a
  // test. synchronous_commit stays on: an immediate stop (the outage tests)
  // must not lose what was committed, and WAL still reaches the OS at commit.
  const std::string options = "-c listen_addresses='' -k " + dir_.string() +
                              " -c fsync=off -c full_page_writes=off"
                              " -c max_connections=60";
  running_ = PgCtl("start", options);
  return running_;
}

bool PostgresServer::Stop() {
  const bool stopped = PgCtl("stop");
  if (stopped) running_ = false;
  return stopped;
}

bool PostgresServer::Restart() { return Stop() && Start(); }

std::string PostgresServer::URL(const std::string& database) const {
  return "postgresql:///" + database + "?host=" + dir_.string() + "&user=postgres";
}

std::string PostgresServer::NewDatabase() {
  const std::string name = "t_" + std::to_string(++databases_);
  std::unique_ptr<PGconn, PgConnFree> conn(PQconnectdb(URL().c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    Die("cannot connect to " + URL() + ": " + PQerrorMessage(conn.get()));
  }
  std::unique_ptr<PGresult, PgResultFree> result(
      PQexec(conn.get(), ("CREATE SCHEMA " + name).c_str()));
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    Die("CREATE SCHEMA " + name + ": " + PQerrorMessage(conn.get()));
  }
  return URL() + "&options=-c%20search_path%3D" + name;
}

PostgresServer& SharedPostgresServer() {
  static PostgresServer server;  // destroyed at exit, which stops it
  return server;
}

}  // namespace tessera::testing
