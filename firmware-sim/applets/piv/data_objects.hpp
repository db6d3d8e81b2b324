// The PIV data objects the applet knows (SP 800-73-4 Part 1 Table 3, plus
// the YubiKey objects 5FFF00/5FFF01) and who may read or write them, kept as
// one table, with Tessera's key package 5FFF20. Also the fixed discovery
// object and the certificate container used for the attestation
// certificate. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::sim::piv_applet {

struct ObjectAccess {
  bool pin_to_read = false;  // SP 800-73-4 Part 1 Table 3: access rule "PIN"
  bool writable = true;      // PUT DATA allowed (with the management key)
};

// nullopt for tags that are no PIV data object.
std::optional<ObjectAccess> LookupObject(std::uint32_t tag);

// Largest object PUT DATA accepts.
inline constexpr std::size_t kMaxObjectSize = std::size_t{16} * 1024;

// SP 800-73-4 Part 1 §3.3.2: the discovery object with the PIV AID and a PIN
// usage policy of 40 00 (PIV Card Application PIN only).
Bytes DiscoveryObject();

// Reads the tag of a GET/PUT DATA tag list: 5C with 1 to 3 tag bytes.
Result<std::uint32_t> TagFromTagList(ByteView value);

}  // namespace tessera::sim::piv_applet
