// The precompiled header of every test executable (tests/CMakeLists.txt):
// the system headers most test files include. Parsing GoogleTest and the
// standard library was half of each test file's compile time in the
// sanitized build. Project headers stay out, so editing one does not
// rebuild the header, and each test file still includes what it uses.
#pragma once

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>
