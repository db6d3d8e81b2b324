// Token: one simulated token: its identity, state file, card OS and applets,
// and the power it is (or is not) receiving.
//
// A token is manufactured once (a new state file) and loaded on every later
// start. Power on loads the state file; power off and power cuts drop every
// volatile state. A tear armed with ArmTear cuts the power after the given
// number of storage writes: the command in flight gets no answer and the
// token stays dead until the next power on, which reloads it from the file.
// Not thread-safe: the simulator's per-token lock serializes all calls.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>

#include "common/bytes.hpp"
#include "firmware-sim/crypto/manufacturer_ca.hpp"
#include "firmware-sim/os/card_os.hpp"
#include "firmware-sim/os/clock.hpp"
#include "firmware-sim/os/file_storage.hpp"
#include "firmware-sim/os/latency.hpp"
#include "firmware-sim/os/power_fuse.hpp"
#include "firmware-sim/os/rng.hpp"
#include "firmware-sim/os/token_context.hpp"

namespace tessera::sim {

struct TokenEnv {
  std::unique_ptr<Rng> rng;
  Clock* clock = nullptr;  // borrowed; outlives the token
  LatencyModel latency = LatencyModel::None();
};

class Token {
 public:
  // Creates the state file at `path` for a new token with `serial` and a UID
  // drawn from the token's Rng. Fails if the file exists.
  static Result<std::unique_ptr<Token>> Manufacture(const std::filesystem::path& path,
                                                    std::uint32_t serial, const ManufacturerCa& ca,
                                                    TokenEnv env);
  // Loads an existing token. A corrupt file is an error naming the file.
  static Result<std::unique_ptr<Token>> Load(const std::filesystem::path& path, TokenEnv env);

  ~Token();

  std::uint32_t serial() const { return ctx_.serial; }
  ByteView uid() const { return ctx_.uid; }
  const std::filesystem::path& path() const { return path_; }

  // ISO 7816-3 ATR, T=1; historical bytes carry "Tessera".
  static Bytes Atr();

  bool powered() const { return card_ != nullptr; }
  // Loads the state file (if needed) and starts the card OS.
  Status PowerOn();
  void PowerOff();
  // Warm reset: power off then on.
  Status Reset();
  // Raw APDU in, raw response out; nullopt when unpowered or when the power
  // was cut during this command.
  std::optional<Bytes> Transmit(ByteView command);
  // Drop a half-sent chain and pending response (a client went away).
  void AbortPending();

  // Tearing: cut the power after `writes` more storage writes.
  void ArmTear(std::size_t writes) { fuse_.Arm(writes); }
  PowerFuse& fuse() { return fuse_; }

 private:
  Token(std::filesystem::path path, TokenEnv env);
  // Opens the state file and reads the token's identity from it.
  Status OpenStorage();
  // Starts the card OS and its applets over the open storage.
  Status Boot();
  Status CountBoot();
  // Forgets everything not in the file, after the power was cut.
  void DropAfterPowerCut();

  std::filesystem::path path_;
  TokenEnv env_;
  PowerFuse fuse_;
  std::unique_ptr<FileStorage> storage_;
  TokenContext ctx_;
  std::unique_ptr<CardOs> card_;
};

}  // namespace tessera::sim
