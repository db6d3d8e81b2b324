// The process-wide sink, driven through TESSERA_LOG as C_Initialize drives it.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/bytes.hpp"
#include "pkcs11/core/log/apdu_trace.hpp"
#include "pkcs11/core/log/log.hpp"

namespace tessera::p11::log {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t CountLines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// Counts how often Log() formats it.
struct CountsStreaming {
  int* count;
};
std::ostream& operator<<(std::ostream& out, const CountsStreaming& c) {
  ++*c.count;
  return out << "counted";
}

class LogSink : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "tessera-log-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    file_ = dir_ / "module.log";
    ::unsetenv("TESSERA_LOG");
  }
  void TearDown() override {
    Shutdown();
    ::unsetenv("TESSERA_LOG");
    fs::remove_all(dir_);
  }
  void Configure(const std::string& value) {
    ::setenv("TESSERA_LOG", value.c_str(), 1);
    ConfigureFromEnvironment();
  }

  fs::path dir_;
  fs::path file_;
};

TEST_F(LogSink, LogsNothingWhenUnsetOrOff) {
  ConfigureFromEnvironment();
  EXPECT_FALSE(Enabled(Level::kError));
  Configure("off");
  EXPECT_FALSE(Enabled(Level::kError));
  EXPECT_FALSE(Enabled(Level::kDebug));
}

TEST_F(LogSink, DebugWithAFileAppendsRecordsToIt) {
  { std::ofstream(file_) << "earlier line\n"; }
  Configure("debug:" + file_.string());
  Write(Level::kDebug, "first");
  Log(Level::kInfo, "slot ", 3, " present");
  Shutdown();
  const std::string text = ReadFile(file_);
  EXPECT_EQ(text.rfind("earlier line\n", 0), 0U) << "the file was truncated";
  EXPECT_EQ(CountLines(text), 3U);
  EXPECT_NE(text.find(" DEBUG pid=" + std::to_string(::getpid()) + " tid="), std::string::npos);
  EXPECT_NE(text.find(" first\n"), std::string::npos);
  EXPECT_NE(text.find(" INFO "), std::string::npos);
  EXPECT_NE(text.find(" slot 3 present\n"), std::string::npos);
}

TEST_F(LogSink, CreatesTheFileReadableByItsOwnerOnly) {
  Configure("error:" + file_.string());
  struct stat st {};
  ASSERT_EQ(::stat(file_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
}

TEST_F(LogSink, LevelsFilterLessImportantRecords) {
  Configure("info:" + file_.string());
  EXPECT_TRUE(Enabled(Level::kError));
  EXPECT_TRUE(Enabled(Level::kInfo));
  EXPECT_FALSE(Enabled(Level::kDebug));
  Write(Level::kDebug, "debug-record");
  Write(Level::kInfo, "info-record");
  Write(Level::kError, "error-record");
  Configure("error:" + file_.string());
  Write(Level::kInfo, "second-info-record");
  Write(Level::kError, "second-error-record");
  Shutdown();
  const std::string text = ReadFile(file_);
  EXPECT_EQ(text.find("debug-record"), std::string::npos);
  EXPECT_EQ(text.find("second-info-record"), std::string::npos);
  EXPECT_NE(text.find("info-record"), std::string::npos);
  EXPECT_NE(text.find("error-record"), std::string::npos);
  EXPECT_NE(text.find("second-error-record"), std::string::npos);
}

TEST_F(LogSink, StreamsArgumentsOnlyWhenTheLevelIsEnabled) {
  Configure("error:" + file_.string());
  int streamed = 0;
  Log(Level::kDebug, "skipped ", CountsStreaming{&streamed});
  EXPECT_EQ(streamed, 0);
  Log(Level::kError, "written ", CountsStreaming{&streamed});
  EXPECT_EQ(streamed, 1);
  Shutdown();
  EXPECT_NE(ReadFile(file_).find(" written counted\n"), std::string::npos);
}

TEST_F(LogSink, WritesToStderrWithoutAFile) {
  Configure("error");
  ::testing::internal::CaptureStderr();
  Write(Level::kError, "to-stderr");
  Write(Level::kInfo, "filtered");
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find(" ERROR pid="), std::string::npos);
  EXPECT_NE(err.find(" to-stderr\n"), std::string::npos);
  EXPECT_EQ(err.find("filtered"), std::string::npos);
}

TEST_F(LogSink, IgnoresAnUnparseableValueWithOneLineOnStderr) {
  for (const char* value : {"loud", "debug:", "verbose:/tmp/x"}) {
    ::testing::internal::CaptureStderr();
    Configure(value);
    Write(Level::kError, "must not appear");
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_FALSE(Enabled(Level::kError)) << value;
    EXPECT_EQ(CountLines(err), 1U) << err;
    EXPECT_NE(err.find("TESSERA_LOG ignored"), std::string::npos) << err;
    EXPECT_EQ(err.find("must not appear"), std::string::npos);
  }
}

TEST_F(LogSink, TurnsOffWhenTheFileCannotBeOpened) {
  ::testing::internal::CaptureStderr();
  Configure("debug:" + (dir_ / "missing-dir" / "x.log").string());
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_FALSE(Enabled(Level::kError));
  EXPECT_NE(err.find("cannot open"), std::string::npos) << err;
}

TEST_F(LogSink, ReReadsTheEnvironmentEachTime) {
  Configure("debug:" + file_.string());
  EXPECT_TRUE(Enabled(Level::kDebug));
  ::unsetenv("TESSERA_LOG");
  ConfigureFromEnvironment();
  EXPECT_FALSE(Enabled(Level::kError));
  Configure("info:" + file_.string());
  EXPECT_TRUE(Enabled(Level::kInfo));
  EXPECT_FALSE(Enabled(Level::kDebug));
}

TEST_F(LogSink, ShutdownStopsLoggingAndIsIdempotent) {
  Configure("debug:" + file_.string());
  Shutdown();
  Shutdown();
  EXPECT_FALSE(Enabled(Level::kError));
  Write(Level::kError, "after-shutdown");
  EXPECT_EQ(ReadFile(file_).find("after-shutdown"), std::string::npos);
}

TEST_F(LogSink, ConcurrentWritersNeverInterleaveRecords) {
  Configure("debug:" + file_.string());
  constexpr int kThreads = 8;
  constexpr int kRecords = 200;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < kRecords; ++i) Log(Level::kDebug, "record ", t, "/", i, " end");
    });
  }
  for (auto& thread : threads) thread.join();
  Shutdown();
  std::istringstream lines(ReadFile(file_));
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    ++count;
    EXPECT_EQ(line.find(" tessera-pkcs11 DEBUG pid="), 24U) << line;
    EXPECT_EQ(line.substr(line.size() - 4), " end") << line;
    EXPECT_EQ(line.find("record "), line.rfind("record ")) << line;
  }
  EXPECT_EQ(count, kThreads * kRecords);
}

TEST_F(LogSink, ReconfiguringWhileOtherThreadsWriteIsSafe) {
  Configure("debug:" + file_.string());
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  writers.reserve(4);
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&stop] {
      while (!stop.load()) Log(Level::kDebug, "busy");
    });
  }
  for (int i = 0; i < 50; ++i) {
    Shutdown();
    ConfigureFromEnvironment();
  }
  stop = true;
  for (auto& writer : writers) writer.join();
  Shutdown();
  std::istringstream lines(ReadFile(file_));
  std::string line;
  while (std::getline(lines, line)) EXPECT_EQ(line.substr(line.size() - 5), " busy") << line;
}

TEST_F(LogSink, AChildProcessCanLogAfterFork) {
  Configure("info:" + file_.string());
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ConfigureFromEnvironment();  // what the child's C_Initialize does
    Write(Level::kInfo, "from-child");
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status));
  Shutdown();
  EXPECT_NE(ReadFile(file_).find("pid=" + std::to_string(child) + " "), std::string::npos);
}

TEST_F(LogSink, ADebugTraceOfVerifyNeverHoldsThePin) {
  Configure("debug:" + file_.string());
  // VERIFY PIN 80 with "123456" padded with FF (SP 800-73-4 Part 2 §3.2.1).
  const Bytes verify = HexOrDie("0020008008313233343536ffff");
  Write(Level::kDebug, DescribeCommandApdu(verify));
  Write(Level::kDebug, DescribeExchange(verify, HexOrDie("9000")));
  Shutdown();
  const std::string text = ReadFile(file_);
  EXPECT_EQ(CountLines(text), 2U);
  EXPECT_NE(text.find("VERIFY"), std::string::npos);
  EXPECT_EQ(text.find("313233343536"), std::string::npos) << text;
  EXPECT_EQ(text.find("123456"), std::string::npos) << text;
}

}  // namespace
}  // namespace tessera::p11::log
