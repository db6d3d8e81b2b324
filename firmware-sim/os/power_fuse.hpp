// PowerFuse: the test hook that cuts a token's power after its Nth write.
//
// FileStorage asks the fuse before each physical write. Once armed with N,
// the fuse lets N writes through; write N+1 is torn (only part of its bytes
// reach the file) and every write after it fails until the fuse is reset,
// which models the token losing power. Counting writes without arming it
// tells a test how many write indices an operation has. Thread-compatible;
// owned by the token.
#pragma once

#include <cstddef>
#include <optional>

namespace tessera::sim {

class PowerFuse {
 public:
  enum class Verdict { kWrite, kTear, kDead };

  void Arm(std::size_t after_writes) {
    remaining_ = after_writes;
    blown_ = false;
  }
  void Disarm() { remaining_.reset(); }
  // Power restored: clears a blown fuse, keeps counting.
  void Reset() {
    remaining_.reset();
    blown_ = false;
  }
  bool blown() const { return blown_; }
  std::size_t writes() const { return writes_; }
  void ResetCount() { writes_ = 0; }

  // Called by storage before each physical write.
  Verdict BeforeWrite() {
    if (blown_) return Verdict::kDead;
    if (remaining_) {
      if (*remaining_ == 0) {
        blown_ = true;
        remaining_.reset();
        return Verdict::kTear;
      }
      --*remaining_;
    }
    ++writes_;
    return Verdict::kWrite;
  }

 private:
  std::optional<std::size_t> remaining_;
  bool blown_ = false;
  std::size_t writes_ = 0;
};

}  // namespace tessera::sim
