// Test-only: names value-parameterized tests after the PIV algorithm
// ("RSA2048", "P256", "Ed25519") instead of an index.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "common/piv/piv_constants.hpp"

namespace tessera::sim::testing {

inline std::string AlgorithmParamName(const ::testing::TestParamInfo<piv::Algorithm>& param) {
  std::string name(piv::AlgorithmName(param.param));
  std::erase(name, '-');
  return name;
}

}  // namespace tessera::sim::testing
