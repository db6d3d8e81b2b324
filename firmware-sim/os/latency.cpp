#include "firmware-sim/os/latency.hpp"

namespace tessera::sim {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

// RSA private-key time grows with the cube of the modulus size.
microseconds ScaleRsa(milliseconds at_2048, std::size_t bits) {
  if (bits == 0) bits = 2048;
  double r = static_cast<double>(bits) / 2048.0;
  return microseconds(
      static_cast<std::int64_t>(static_cast<double>(at_2048.count()) * 1000.0 * r * r * r));
}

}  // namespace

std::optional<LatencyModel> LatencyModel::FromName(std::string_view name) {
  if (name == "none") return None();
  if (name == "realistic") return Realistic();
  return std::nullopt;
}

// Figures in the range of USB PIV tokens (YubiKey 5, smart cards over CCID);
// docs/tessera-sim.md carries the same table.
std::chrono::microseconds LatencyModel::CostOf(Cost cost, std::size_t key_bits) const {
  if (!realistic_) return microseconds(0);
  switch (cost) {
    case Cost::kApdu: return microseconds(1500);
    case Cost::kPinCheck: return milliseconds(15);
    case Cost::kSymmetric: return milliseconds(5);
    case Cost::kRsaPrivate: return ScaleRsa(milliseconds(150), key_bits);
    case Cost::kRsaGenerate: return ScaleRsa(milliseconds(5000), key_bits);
    case Cost::kEcPrivate: return key_bits > 256 ? milliseconds(110) : milliseconds(60);
    case Cost::kEcGenerate: return key_bits > 256 ? milliseconds(180) : milliseconds(100);
    case Cost::kEdPrivate: return milliseconds(45);
    case Cost::kStorageWrite: return milliseconds(8);
  }
  return microseconds(0);
}

void LatencyModel::Charge(Clock& clock, Cost cost, std::size_t key_bits) const {
  if (!realistic_) return;
  clock.SleepFor(CostOf(cost, key_bits));
}

}  // namespace tessera::sim
