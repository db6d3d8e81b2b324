// Helpers for the storage tests: a temporary directory removed on scope exit,
// whole-file reads and writes, and a comparable dump of a Storage's contents.
// Test-only; not thread-safe.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "common/bytes.hpp"
#include "firmware-sim/os/storage.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::sim::testing {

using ::tessera::testing::TempDir;

inline Bytes ReadFileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void WriteFileBytes(const std::filesystem::path& path, ByteView bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

// key -> hex value, so two states compare with == and print readably.
using Dump = std::map<std::string, std::string>;

inline Dump DumpStorage(const Storage& storage) {
  Dump out;
  for (const auto& key : storage.Keys("")) {
    auto value = storage.Get(key);
    out[key] = value ? ToHex(value->view()) : "<listed but missing>";
  }
  return out;
}

inline std::string ValueHex(const Storage& storage, std::string_view key) {
  auto value = storage.Get(key);
  return value ? ToHex(value->view()) : "<none>";
}

}  // namespace tessera::sim::testing
