// PivTearing: the fixture of the PIV tearing tests (DESIGN.md "tearing").
// It keeps a manufactured state file as the base, counts the writes W of an
// operation on a copy, then for each N in 0..W-1 replays the operation on a
// fresh copy with the power cut after N writes, reopens the file and hands
// the token to a check that the state is whole: the old one or the new one.
// Test-only; one test thread.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <string>

#include "firmware-sim/os/file_storage.hpp"
#include "firmware-sim/os/power_fuse.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/firmware-sim/piv/piv_token.hpp"

namespace tessera::sim::pivtest {

inline constexpr std::uint64_t kTearingSeed = 5;

struct TornOperation {
  std::function<void(PivToken&)> prepare;  // volatile preconditions (may write)
  CommandApdu command;
};

class PivTearing : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = FileStorage::Create(base(), ManufactureTransaction(kTearingSeed));
    ASSERT_TRUE(created.ok()) << created.status().ToString();
  }

  std::filesystem::path base() const { return dir_.path() / "base.state"; }
  std::filesystem::path work() const { return dir_.path() / "work.state"; }

  // Runs `fn` on a token over the file at `path`.
  void WithToken(const std::filesystem::path& path, PowerFuse* fuse,
                 const std::function<void(PivToken&)>& fn, std::uint64_t rng_seed = kTearingSeed) {
    auto storage = FileStorage::Open(path, fuse);
    ASSERT_TRUE(storage.ok()) << storage.status().ToString();
    PivToken token(**storage, rng_seed);
    fn(token);
  }

  // The old state every replay starts from, made with another Rng stream
  // than the replays so that old and new keys differ.
  void SetUpBase(const std::function<void(PivToken&)>& fn) {
    WithToken(base(), nullptr, fn, kTearingSeed + 1);
  }

  // Counts the writes of `op` on a copy of the base, then cuts the power at
  // each of them and hands the reopened token to `check`.
  void TearAtEveryWrite(const TornOperation& op, const std::function<void(PivToken&)>& check) {
    std::filesystem::copy_file(base(), work(), std::filesystem::copy_options::overwrite_existing);
    PowerFuse counter;
    WithToken(work(), &counter, [&](PivToken& token) {
      op.prepare(token);
      counter.ResetCount();
      EXPECT_TRUE(token.TrySend(op.command).has_value());
    });
    const std::size_t writes = counter.writes();
    ASSERT_GE(writes, 2u) << "the operation wrote (almost) nothing";
    SCOPED_TRACE("complete operation");
    WithToken(work(), nullptr, check);

    for (std::size_t n = 0; n < writes; ++n) {
      SCOPED_TRACE("power cut after write " + std::to_string(n) + " of " + std::to_string(writes));
      std::filesystem::copy_file(base(), work(), std::filesystem::copy_options::overwrite_existing);
      PowerFuse fuse;
      WithToken(work(), &fuse, [&](PivToken& token) {
        op.prepare(token);
        fuse.Arm(n);
        EXPECT_FALSE(token.TrySend(op.command).has_value()) << "the token answered";
      });
      WithToken(work(), nullptr, check);
    }
  }

  ::tessera::testing::TempDir dir_{"tessera-piv"};
};

}  // namespace tessera::sim::pivtest
