#include "pkcs11/core/config.hpp"

#include <gtest/gtest.h>

namespace tessera::p11 {
namespace {

TEST(ModuleConfig, ReadsTheSimulatorRunDirectory) {
  auto config =
      ModuleConfig::Parse("# comment\n\n  sim.run_dir = /run/x  # trailing\n", "t.conf", {});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->sim_run_dir, "/run/x");
}

TEST(ModuleConfig, KeepsTheBaseWhenTheFileSaysNothing) {
  ModuleConfig base;
  base.sim_run_dir = "/from/env";
  auto config = ModuleConfig::Parse("\n# only comments\n", "t.conf", base);
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->sim_run_dir, "/from/env");
}

TEST(ModuleConfig, RejectsUnknownKeysAndMalformedLinesNamingTheLine) {
  auto unknown = ModuleConfig::Parse("sim.rundir = /x\n", "t.conf", {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("t.conf:1"), std::string::npos);
  EXPECT_NE(unknown.status().message().find("sim.rundir"), std::string::npos);
  auto no_equals = ModuleConfig::Parse("\nsim.run_dir /x\n", "t.conf", {});
  ASSERT_FALSE(no_equals.ok());
  EXPECT_NE(no_equals.status().message().find("t.conf:2"), std::string::npos);
  EXPECT_FALSE(ModuleConfig::Parse("sim.run_dir =\n", "t.conf", {}).ok());
}

TEST(ModuleConfig, UsesEveryTransportByDefault) {
  ModuleConfig config;
  EXPECT_TRUE(config.use_pcsc);
  EXPECT_TRUE(config.use_usb);
  EXPECT_TRUE(config.use_sim);
}

TEST(ModuleConfig, TransportsChoosesTheRoutes) {
  auto config = ModuleConfig::Parse("transports = sim ,pcsc\n", "t.conf", {});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(config->use_pcsc);
  EXPECT_FALSE(config->use_usb);
  EXPECT_TRUE(config->use_sim);
}

TEST(ModuleConfig, TransportsRejectsUnknownRepeatedAndEmptyNames) {
  auto unknown = ModuleConfig::Parse("transports = pcsc, bluetooth\n", "t.conf", {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("bluetooth"), std::string::npos);
  EXPECT_NE(unknown.status().message().find("t.conf:1"), std::string::npos);
  EXPECT_FALSE(ModuleConfig::Parse("transports = usb, usb\n", "t.conf", {}).ok());
  EXPECT_FALSE(ModuleConfig::Parse("transports = ,\n", "t.conf", {}).ok());
  EXPECT_FALSE(ModuleConfig::Parse("transports = pcsc,,sim\n", "t.conf", {}).ok());
}

TEST(ModuleConfig, UsbTimeoutIsAPositiveNumberOfMilliseconds) {
  auto config = ModuleConfig::Parse("usb.timeout_ms = 1500\n", "t.conf", {});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->usb_timeout, std::chrono::milliseconds(1500));
  EXPECT_FALSE(ModuleConfig::Parse("usb.timeout_ms = 0\n", "t.conf", {}).ok());
  EXPECT_FALSE(ModuleConfig::Parse("usb.timeout_ms = 10s\n", "t.conf", {}).ok());
  EXPECT_FALSE(ModuleConfig::Parse("usb.timeout_ms = -5\n", "t.conf", {}).ok());
}

}  // namespace
}  // namespace tessera::p11
