#include "firmware-sim/os/latency.hpp"

#include <gtest/gtest.h>

namespace tessera::sim {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

constexpr Cost kAllCosts[] = {Cost::kApdu,       Cost::kPinCheck,    Cost::kSymmetric,
                              Cost::kRsaPrivate, Cost::kRsaGenerate, Cost::kEcPrivate,
                              Cost::kEcGenerate, Cost::kEdPrivate,   Cost::kStorageWrite};

TEST(LatencyModel, NoneCostsNothingAndNeverSleeps) {
  const LatencyModel none = LatencyModel::None();
  FakeClock clock;
  const auto start = clock.Now();
  EXPECT_FALSE(none.enabled());
  for (Cost cost : kAllCosts) {
    EXPECT_EQ(none.CostOf(cost, 4096), microseconds(0));
    none.Charge(clock, cost, 4096);
  }
  EXPECT_EQ(clock.Now(), start);
  EXPECT_EQ(clock.slept(), microseconds(0));
}

TEST(LatencyModel, RealisticChargesEveryCostAndMoreForLargerKeys) {
  const LatencyModel real = LatencyModel::Realistic();
  EXPECT_TRUE(real.enabled());
  for (Cost cost : kAllCosts) EXPECT_GT(real.CostOf(cost), microseconds(0));
  EXPECT_GT(real.CostOf(Cost::kRsaPrivate, 4096), real.CostOf(Cost::kRsaPrivate, 2048));
  EXPECT_GT(real.CostOf(Cost::kRsaPrivate, 3072), real.CostOf(Cost::kRsaPrivate, 2048));
  EXPECT_GT(real.CostOf(Cost::kRsaGenerate, 4096), real.CostOf(Cost::kRsaGenerate, 2048));
  EXPECT_GT(real.CostOf(Cost::kEcPrivate, 384), real.CostOf(Cost::kEcPrivate, 256));
  // An RSA-2048 signature takes about as long as on a USB token (DESIGN.md).
  EXPECT_EQ(real.CostOf(Cost::kRsaPrivate, 2048), milliseconds(150));
  EXPECT_EQ(real.CostOf(Cost::kRsaPrivate, 0), real.CostOf(Cost::kRsaPrivate, 2048));
}

TEST(LatencyModel, ChargeAdvancesAFakeClockByTheCost) {
  const LatencyModel real = LatencyModel::Realistic();
  FakeClock clock;
  const auto start = clock.Now();
  real.Charge(clock, Cost::kRsaPrivate, 2048);
  real.Charge(clock, Cost::kApdu);
  const auto expected = real.CostOf(Cost::kRsaPrivate, 2048) + real.CostOf(Cost::kApdu);
  EXPECT_EQ(clock.Now() - start, expected);
  EXPECT_EQ(clock.slept(), expected);
}

TEST(LatencyModel, IsChosenByName) {
  ASSERT_TRUE(LatencyModel::FromName("none").has_value());
  EXPECT_FALSE(LatencyModel::FromName("none")->enabled());
  ASSERT_TRUE(LatencyModel::FromName("realistic").has_value());
  EXPECT_TRUE(LatencyModel::FromName("realistic")->enabled());
  EXPECT_FALSE(LatencyModel::FromName("Realistic").has_value());
  EXPECT_FALSE(LatencyModel::FromName("").has_value());
}

}  // namespace
}  // namespace tessera::sim
