#include "services/http/access_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace tessera::http {
namespace {

void AppendValue(std::string& line, std::string_view value) {
  bool quote = value.empty();
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    quote = quote || c == ' ' || c == '"' || c == '=' || c == '\\' || u < 0x20 || u == 0x7f;
  }
  if (!quote) {
    line += value;
    return;
  }
  line += '"';
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      line += '\\';
      line += c;
    } else if (u < 0x20 || u == 0x7f) {
      char hex[5];
      (void)std::snprintf(hex, sizeof hex, "\\x%02x", u);
      line += hex;
    } else {
      line += c;
    }
  }
  line += '"';
}

std::string UtcNow() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char buffer[64];
  (void)std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                      tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                      tm.tm_sec, static_cast<int>(millis));
  return buffer;
}

Result<UniqueFd> OpenFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640));
  if (!fd.valid()) {
    return Status::IoError("cannot open the access log " + path + ": " + std::strerror(errno));
  }
  return fd;
}

}  // namespace

Result<std::unique_ptr<AccessLog>> AccessLog::Open(std::string path) {
  std::unique_ptr<AccessLog> log(new AccessLog(std::move(path)));
  if (!log->path_.empty()) {
    TESSERA_ASSIGN_OR_RETURN(log->fd_, OpenFile(log->path_));
  }
  return log;
}

std::string AccessLog::Format(const AccessRecord& r) {
  std::string line;
  line.reserve(256);
  line += "time=" + UtcNow();
  line += " remote=";
  AppendValue(line, r.remote);
  line += " method=";
  AppendValue(line, r.method);
  line += " path=";
  AppendValue(line, r.path);
  line += " status=" + std::to_string(r.status);
  line += " bytes=" + std::to_string(r.bytes);
  const double ms = std::chrono::duration<double, std::milli>(r.duration).count();
  char duration[32];
  (void)std::snprintf(duration, sizeof duration, "%.3f", ms);
  line += " duration_ms=";
  line += duration;
  line += " request_id=";
  AppendValue(line, r.request_id);
  line += " client=";
  AppendValue(line, r.client_subject.empty() ? std::string_view("-") : r.client_subject);
  return line;
}

void AccessLog::Write(const AccessRecord& record) {
  std::string line = Format(record);
  line += '\n';
  std::lock_guard lock(mutex_);
  const int fd = fd_.valid() ? fd_.get() : STDERR_FILENO;
  // A full disk or a closed stderr must not stop the server: the line is lost.
  [[maybe_unused]] const ssize_t written = ::write(fd, line.data(), line.size());
}

Status AccessLog::Reopen() {
  if (path_.empty()) return Status::Ok();
  TESSERA_ASSIGN_OR_RETURN(UniqueFd fresh, OpenFile(path_));
  std::lock_guard lock(mutex_);
  fd_ = std::move(fresh);
  return Status::Ok();
}

}  // namespace tessera::http
