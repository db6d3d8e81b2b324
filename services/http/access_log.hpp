// AccessLog: one line per HTTP request, to a file (appended, made 0640) or
// to stderr. Reopen() (SIGHUP) closes and reopens the file so that logrotate
// can move it away.
//
// The line is logfmt (docs/http.md):
//   time=2026-12-06T21:03:04.120Z remote=127.0.0.1:53122 method=GET
//   path=/healthz status=200 bytes=57 duration_ms=0.84 request_id=3f0c...
//   client="CN=alice,O=Example"
// Values with a space, '"', '=' or a control byte are quoted, with '"' and
// '\' escaped and control bytes as \xNN, so a request cannot forge a line.
// Thread-safe: Write and Reopen may run on any thread; each line is written
// whole with one write().
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/status.hpp"
#include "common/unique_fd.hpp"

namespace tessera::http {

struct AccessRecord {
  std::string_view remote;
  std::string_view method;
  std::string_view path;
  int status = 0;
  std::size_t bytes = 0;  // response body bytes
  std::chrono::steady_clock::duration duration{};
  std::string_view request_id;
  std::string_view client_subject;
};

class AccessLog {
 public:
  // `path` empty: stderr.
  static Result<std::unique_ptr<AccessLog>> Open(std::string path);

  void Write(const AccessRecord& record);
  Status Reopen();
  // The line Write would write, without the newline (tests, the fuzzer).
  static std::string Format(const AccessRecord& record);

 private:
  explicit AccessLog(std::string path) : path_(std::move(path)) {}

  std::string path_;
  std::mutex mutex_;
  UniqueFd fd_;  // invalid: stderr
};

}  // namespace tessera::http
