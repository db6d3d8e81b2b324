// PcscTest: a GoogleTest fixture with a private pcscd (PrivatePcscd, with a
// vpcd reader) and a tessera-sim that connects its one token to it with
// --vpcd, both in a temporary directory. SetUp waits until pcscd sees the
// card; everything is stopped and removed when the test ends, pass or fail
// (members are destroyed simulator first, then pcscd, then the directory).
// Skips, with the reason, where no private pcscd can run (another pcscd
// alive, packages missing).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/integration/sim_harness.hpp"
#include "tests/support/pcsc_client.hpp"
#include "tests/support/pcscd_harness.hpp"
#include "tests/support/run_tool.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::testing {

class PcscTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // The simulator's only token.
  std::uint32_t serial() const { return serial_; }
  std::string reader() const { return PrivatePcscd::ReaderName(0); }
  std::filesystem::path Path(std::string_view name) const { return dir_ / name; }

  // Waits until pcscd sees the card arrive (true) or leave (false); its ATR.
  Result<Bytes> WaitForCard(bool present);
  // `tessera-sim ctl ...` on this simulator.
  ProcessResult Ctl(const std::vector<std::string>& args) const { return sim_->Ctl(args); }
  // yubico-piv-tool on the vpcd reader, with `args` after `-r "Tessera vpcd"`.
  ToolResult PivTool(const std::vector<std::string>& args) const;
  ToolResult Openssl(const std::vector<std::string>& args) const;
  // The simulator's APDU trace (--trace) so far.
  std::string Trace() const;
  // Logs of pcscd and the simulator, for failure messages.
  std::string Logs() const;

  TempDir dir_{"tessera-pcsc"};
  std::unique_ptr<PrivatePcscd> pcscd_;
  std::unique_ptr<SimProcess> sim_;
  std::uint32_t serial_ = 0;
};

}  // namespace tessera::testing
