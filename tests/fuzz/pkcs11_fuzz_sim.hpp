// The tessera-sim that fuzz_pkcs11_api drives: one simulator per fuzzing
// process, started on first use in a temporary directory and killed with
// the process (PR_SET_PDEATHSIG, so a crash that skips atexit leaves no
// simulator behind). TESSERA_SIM_DIR points the module at it.
//
// ResetToken puts the token back in its factory state between inputs that
// changed it, without the module: insert it if removed, block PIN and PUK,
// then PIV RESET (YubiKey semantics: keys, certificates, PINs and the
// management key back to their defaults). Aborts when the simulator has
// died or the reset fails, so the input that caused it is kept. One thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace tessera::fuzz {

class FuzzSim {
 public:
  static FuzzSim& Get();

  std::uint32_t serial() const { return serial_; }
  // `tessera-sim ctl <verb> <serial>` over the control socket; true on OK.
  bool Ctl(std::string_view verb);
  void ResetToken();
  // Aborts if the simulator process has exited.
  void CheckAlive();
  // SIGTERM to the simulator, then its directory goes (at exit).
  void Stop();

 private:
  FuzzSim();
  ~FuzzSim() = delete;  // lives until the process ends

  std::filesystem::path dir_;
  std::filesystem::path run_dir_;
  int pid_ = -1;
  std::uint32_t serial_ = 0;
};

}  // namespace tessera::fuzz
