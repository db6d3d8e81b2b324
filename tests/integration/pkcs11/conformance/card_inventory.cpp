#include "tests/integration/pkcs11/conformance/card_inventory.hpp"

#include <openssl/evp.h>

#include <cstdio>

#include "common/tlv.hpp"
#include "tests/integration/piv_client.hpp"
#include "tests/integration/pkcs11/api_openssl.hpp"

namespace tessera::testing::conformance {
namespace {

constexpr std::uint8_t kStandardSlots[] = {0x9A, 0x9C, 0x9D, 0x9E};

std::string Hex2(std::uint8_t b) {
  char buf[3];
  std::snprintf(buf, sizeof buf, "%02X", b);
  return buf;
}

std::string Fingerprint(ByteView data) {
  return std::to_string(data.size()) + " bytes, sha256 " +
         ToHex(Digest(EVP_sha256(), data)).substr(0, 16);
}

// SP 800-73-4 Part 1 Table 3 (standard slots) and the retired-key containers.
std::uint32_t CertContainer(std::uint8_t slot) {
  switch (slot) {
    case 0x9A: return 0x5FC105;
    case 0x9C: return 0x5FC10A;
    case 0x9D: return 0x5FC10B;
    case 0x9E: return 0x5FC101;
    default: return 0x5FC10D + (slot - 0x82);
  }
}

std::vector<std::uint8_t> KeySlots() {
  std::vector<std::uint8_t> slots(std::begin(kStandardSlots), std::end(kStandardSlots));
  for (std::uint8_t s = 0x82; s <= 0x95; ++s) slots.push_back(s);
  return slots;
}

CommandApdu Command(std::uint8_t ins, std::uint8_t p1, std::uint8_t p2, Bytes data = {}) {
  CommandApdu c;
  c.ins = ins;
  c.p1 = p1;
  c.p2 = p2;
  c.data = std::move(data);
  c.le = 256;
  return c;
}

Result<ResponseApdu> Metadata(PivClient& piv, std::uint8_t ref) {
  return piv.Send(Command(0xF7, 0x00, ref));
}

Status ReadKeys(PivClient& piv, CardInventory& out) {
  for (std::uint8_t slot : KeySlots()) {
    TESSERA_ASSIGN_OR_RETURN(ResponseApdu r, Metadata(piv, slot));
    if (r.sw == 0x6A88) continue;
    if (!r.ok()) return Status::Internal("GET METADATA " + Hex2(slot) + " answered an error");
    out.items["key " + Hex2(slot)] = Fingerprint(r.data);
  }
  return Status::Ok();
}

Status ReadCertificates(PivClient& piv, CardInventory& out) {
  for (std::uint8_t slot : KeySlots()) {
    const std::uint32_t tag = CertContainer(slot);
    Bytes tag_list = {0x5C, 0x03, static_cast<std::uint8_t>(tag >> 16),
                      static_cast<std::uint8_t>(tag >> 8), static_cast<std::uint8_t>(tag)};
    TESSERA_ASSIGN_OR_RETURN(ResponseApdu r, piv.Send(Command(0xCB, 0x3F, 0xFF, tag_list)));
    if (r.sw == 0x6A82) continue;
    if (!r.ok()) return Status::Internal("GET DATA for slot " + Hex2(slot) + " failed");
    out.items["cert " + Hex2(slot)] = Fingerprint(r.data);
  }
  return Status::Ok();
}

// docs/piv-extensions.md, GET METADATA of F0: tag 04 holds the 7F49
// contents, whose tag 86 is the P-256 point.
Result<Bytes> TokenKeyPoint(PivClient& piv) {
  TESSERA_ASSIGN_OR_RETURN(ResponseApdu r, Metadata(piv, 0xF0));
  if (!r.ok()) return Status::Internal("GET METADATA F0 failed");
  TESSERA_ASSIGN_OR_RETURN(std::vector<Tlv> fields, ParseTlvs(r.data));
  std::optional<ByteView> key = FindTag(fields, 0x04);
  if (!key) return Status::Internal("GET METADATA F0: no public key");
  TESSERA_ASSIGN_OR_RETURN(std::vector<Tlv> parts, ParseTlvs(*key));
  std::optional<ByteView> point = FindTag(parts, 0x86);
  if (!point) return Status::Internal("GET METADATA F0: no point");
  return Bytes(point->begin(), point->end());
}

}  // namespace

std::uint8_t PivSlotOfId(std::uint8_t id) {
  if (id >= 1 && id <= 4) return kStandardSlots[id - 1];
  if (id >= 5 && id <= 0x18) return static_cast<std::uint8_t>(0x82 + (id - 5));
  return 0;
}

Result<CardInventory> ReadCardInventory(host::Transport& transport) {
  PivClient piv(transport);
  TESSERA_RETURN_IF_ERROR(piv.Select());
  CardInventory out;
  TESSERA_ASSIGN_OR_RETURN(out.serial, piv.Serial());
  TESSERA_RETURN_IF_ERROR(ReadKeys(piv, out));
  TESSERA_RETURN_IF_ERROR(ReadCertificates(piv, out));
  TESSERA_ASSIGN_OR_RETURN(out.token_key_point, TokenKeyPoint(piv));
  TESSERA_ASSIGN_OR_RETURN(ResponseApdu package,
                           piv.Send(Command(0xCB, 0x3F, 0xFF, HexOrDie("5c035fff20"))));
  if (package.ok()) {
    auto contents = ParseSingle(package.data, 0x53);
    if (!contents.ok()) return Status::Internal("GET DATA 5FFF20: no tag 53");
    out.key_package.assign(contents->begin(), contents->end());
  } else if (package.sw != 0x6A82) {
    return Status::Internal("GET DATA 5FFF20 failed");
  }
  TESSERA_ASSIGN_OR_RETURN(ResponseApdu list, piv.Send(Command(0xF5, 0x00, 0x00)));
  out.secret_keys =
      list.ok() ? ToHex(list.data) : "unavailable (SW " + Hex2(list.sw1()) + Hex2(list.sw2()) + ")";
  return out;
}

std::vector<std::string> CardChanges(const CardInventory& before, const CardInventory& after,
                                     const std::set<std::uint8_t>& may_change) {
  std::vector<std::string> changes;
  auto allowed = [&](const std::string& item) {
    const std::string slot = item.substr(item.size() - 2);
    for (std::uint8_t s : may_change) {
      if (Hex2(s) == slot) return true;
    }
    return false;
  };
  auto describe = [](const std::map<std::string, std::string>& m, const std::string& k) {
    auto it = m.find(k);
    return it == m.end() ? std::string("(none)") : it->second;
  };
  std::set<std::string> names;
  for (const auto& [k, v] : before.items) names.insert(k);
  for (const auto& [k, v] : after.items) names.insert(k);
  for (const std::string& name : names) {
    const std::string was = describe(before.items, name);
    const std::string now = describe(after.items, name);
    if (was != now && !allowed(name)) changes.push_back(name + ": " + was + " -> " + now);
  }
  if (before.key_package != after.key_package && may_change.count(kKeyPackageChange) == 0) {
    changes.push_back("key package: " + ToHex(before.key_package) + " -> " +
                      ToHex(after.key_package));
  }
  if (before.secret_keys != after.secret_keys && may_change.count(0xFF) == 0) {
    changes.push_back("secret keys: " + before.secret_keys + " -> " + after.secret_keys);
  }
  return changes;
}

}  // namespace tessera::testing::conformance
