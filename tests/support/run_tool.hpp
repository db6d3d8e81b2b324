// RunTool: runs a program to completion for a test, with its output captured
// and a time limit, so a hung tool fails the test instead of hanging it.
//
// The program's stdin is /dev/null; stdout and stderr go to files in a
// temporary directory that is removed afterwards. The child is killed
// (SIGKILL) when it outlives the limit. Thread-compatible.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace tessera::testing {

struct ToolResult {
  int exit_code = -1;  // 128 + signal when killed; -1 when it could not start
  std::string out;
  std::string err;

  // "exit N\nstdout:\n...\nstderr:\n..." for failure messages.
  std::string Describe() const;
};

// argv[0] is looked up in PATH.
ToolResult RunTool(const std::vector<std::string>& argv,
                   std::chrono::milliseconds timeout = std::chrono::seconds(60));

// The tessera CLI `binary` with `args`, as a test runs it: the caller's
// TESSERA_HSM_PIN, TESSERA_HSM_MODULE, TESSERA_CONF and TESSERA_DIRECTORY
// removed, `env` ("NAME=value", TESSERA_HOME first) set, two minutes at most.
ToolResult RunTesseraCli(const std::string& binary, const std::vector<std::string>& env,
                         const std::vector<std::string>& args);

}  // namespace tessera::testing
