// The PIV applet's persistent records and their encodings under "piv/".
//
//   piv/pin, piv/puk   PinRecord           u8 version | value[8] | max | left | default
//   piv/mgm            ManagementKeyRecord u8 version | alg | touch | default | u8 len | key
//   piv/key/<hh>       KeyRecord           u8 version | alg | pin | touch | origin | PKCS#8
//   piv/obj/<tag hex>  the object's value (the contents of tag 53), as is
//   piv/skey/<hh>      SecretKeyRecord (secret_key_record.hpp), slots C0..DF
//
// Records are plain values; secrets sit in SecureBytes. Decoding rejects
// anything malformed with kCorrupt, never a silent default. Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/piv/piv_constants.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "firmware-sim/os/storage.hpp"

namespace tessera::sim::piv_applet {

// PIN and PUK: value padded with 0xFF to 8 bytes (SP 800-73-4 Part 2 §2.4.3).
inline constexpr std::size_t kPinBlockSize = 8;

struct PinRecord {
  SecureBytes value;  // always kPinBlockSize bytes
  std::uint8_t max_tries = 0;
  std::uint8_t tries_left = 0;
  bool is_default = false;
};

struct ManagementKeyRecord {
  piv::Algorithm algorithm = piv::Algorithm::kTdes;
  bool touch_required = false;
  bool is_default = false;
  SecureBytes key;
};

struct KeyRecord {
  piv::Algorithm algorithm = piv::Algorithm::kEccP256;
  piv::PinPolicy pin_policy = piv::PinPolicy::kOnce;
  piv::TouchPolicy touch_policy = piv::TouchPolicy::kNever;
  piv::KeyOrigin origin = piv::KeyOrigin::kGenerated;
  SecureBytes private_key;  // PKCS#8 DER
};

std::string PinKey(std::uint8_t reference);  // 80 -> piv/pin, 81 -> piv/puk
inline constexpr const char* kManagementKeyKey = "piv/mgm";
inline constexpr const char* kKeyPrefix = "piv/key/";
inline constexpr const char* kObjectPrefix = "piv/obj/";
std::string SlotKey(std::uint8_t slot);
std::string ObjectKey(std::uint32_t tag);

SecureBytes EncodePin(const PinRecord& r);
Result<PinRecord> DecodePin(ByteView b);
SecureBytes EncodeManagementKey(const ManagementKeyRecord& r);
Result<ManagementKeyRecord> DecodeManagementKey(ByteView b);
SecureBytes EncodeKey(const KeyRecord& r);
Result<KeyRecord> DecodeKey(ByteView b);

// Typed reads from committed storage. Missing PIN/PUK/management-key records
// are kCorrupt (manufacture always writes them); a missing key or object is
// nullopt.
Result<PinRecord> LoadPin(const Storage& s, std::uint8_t reference);
Result<ManagementKeyRecord> LoadManagementKey(const Storage& s);
Result<std::optional<KeyRecord>> LoadKey(const Storage& s, std::uint8_t slot);
std::optional<SecureBytes> LoadObject(const Storage& s, std::uint32_t tag);

// The same, as writes into a transaction.
void PutPin(Transaction& txn, std::uint8_t reference, const PinRecord& r);
void PutManagementKey(Transaction& txn, const ManagementKeyRecord& r);
void PutKey(Transaction& txn, std::uint8_t slot, const KeyRecord& r);
void PutObject(Transaction& txn, std::uint32_t tag, ByteView value);

}  // namespace tessera::sim::piv_applet
