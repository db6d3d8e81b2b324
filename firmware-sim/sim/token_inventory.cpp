#include "firmware-sim/sim/token_inventory.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <string>
#include <system_error>

#include "firmware-sim/os/rng.hpp"

namespace tessera::sim {
namespace {

constexpr std::uint32_t kFirstSerial = 10'000'000;  // 8 digits, no leading zero
constexpr std::uint32_t kSerialCount = 90'000'000;

std::optional<std::uint32_t> SerialFromStem(const std::string& stem) {
  std::uint32_t serial = 0;
  auto [end, ec] = std::from_chars(stem.data(), stem.data() + stem.size(), serial);
  if (ec != std::errc() || end != stem.data() + stem.size() || stem.empty()) return std::nullopt;
  return serial;
}

TokenEnv MakeEnv(const InventoryOptions& options, std::uint32_t serial) {
  TokenEnv env;
  env.rng = TokenRng(options.seed, serial);
  env.clock = options.clock;
  env.latency = options.latency;
  return env;
}

std::filesystem::path TokenFile(const std::filesystem::path& dir, std::uint32_t serial) {
  return dir / (std::to_string(serial) + std::string(kTokenFileSuffix));
}

// State files in `dir`, by serial. A name that is not "<digits>.token" is
// not ours and is left alone.
Result<std::vector<std::pair<std::uint32_t, std::filesystem::path>>> ListTokenFiles(
    const std::filesystem::path& dir) {
  std::vector<std::pair<std::uint32_t, std::filesystem::path>> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::filesystem::path& path = entry.path();
    if (path.extension() != kTokenFileSuffix) continue;
    std::optional<std::uint32_t> serial = SerialFromStem(path.stem().string());
    if (serial) files.emplace_back(*serial, path);
  }
  if (ec) return Status::IoError("cannot list " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

std::unique_ptr<Rng> TokenRng(std::optional<std::uint64_t> seed, std::uint32_t serial) {
  if (seed) return std::make_unique<SeededRng>(*seed, "token-" + std::to_string(serial));
  return std::make_unique<SystemRng>();
}

Result<std::vector<std::unique_ptr<Token>>> LoadOrManufacture(const InventoryOptions& options,
                                                              const ManufacturerCa& ca) {
  std::vector<std::unique_ptr<Token>> tokens;
  std::set<std::uint32_t> serials;
  TESSERA_ASSIGN_OR_RETURN(auto files, ListTokenFiles(options.state_dir));
  for (const auto& [serial, path] : files) {
    TESSERA_ASSIGN_OR_RETURN(auto token, Token::Load(path, MakeEnv(options, serial)));
    if (token->serial() != serial) {
      return Status::Corrupt(path.string() + ": holds serial " + std::to_string(token->serial()) +
                             ", not the one in its name");
    }
    serials.insert(serial);
    tokens.push_back(std::move(token));
  }

  std::unique_ptr<Rng> serial_rng;
  if (options.seed) {
    serial_rng = std::make_unique<SeededRng>(*options.seed, "serials");
  } else {
    serial_rng = std::make_unique<SystemRng>();
  }
  while (tokens.size() < options.count) {
    // Drawn from the start of the stream on every run, so a seeded restart
    // that adds tokens skips the serials it made before and stays repeatable.
    auto serial = static_cast<std::uint32_t>(kFirstSerial + serial_rng->Uniform(kSerialCount));
    if (!serials.insert(serial).second) continue;
    TESSERA_ASSIGN_OR_RETURN(auto token, Token::Manufacture(TokenFile(options.state_dir, serial),
                                                            serial, ca, MakeEnv(options, serial)));
    tokens.push_back(std::move(token));
  }
  std::sort(tokens.begin(), tokens.end(),
            [](const auto& a, const auto& b) { return a->serial() < b->serial(); });
  return tokens;
}

}  // namespace tessera::sim
