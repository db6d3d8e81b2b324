#include "hsm/version_objects.hpp"

#include <algorithm>
#include <cstdio>

#include "hsm/key_object.hpp"
#include "hsm/pkcs11_types.hpp"

namespace tessera::hsm {
namespace {

std::string Hex2(std::uint8_t version) {
  char hex[4];
  (void)std::snprintf(hex, sizeof hex, "%02X", static_cast<unsigned>(version));
  return hex;
}

void List(std::string& out, std::string_view heading, std::string_view items) {
  if (items.empty()) return;
  if (!out.empty()) out += "; ";
  out.append(heading).append(": ").append(items);
}

}  // namespace

Status CheckVersion(std::uint8_t version) {
  if (version >= kMinVersion && version <= kMaxVersion) return Status::Ok();
  return Status::InvalidArgument("key version " + Hex2(version) +
                                 " is outside 01..7F (docs/card-manager.md \"Keys\")");
}

std::string VersionName(std::uint8_t version) { return "version " + Hex2(version); }
std::string MkBlockLabel(std::uint8_t version) { return "tessera-mk-v" + Hex2(version); }
std::string KrkBlockLabel(std::uint8_t version) { return "tessera-krk-v" + Hex2(version); }
std::string CryptogramKeyLabel(std::uint8_t version) {
  return "tessera-cryptogram-v" + Hex2(version);
}

std::string VersionObjects::Describe() const {
  std::string present;
  std::string missing;
  auto sort = [&](bool has, std::string_view name) {
    std::string& list = has ? present : missing;
    if (!list.empty()) list += ", ";
    list += name;
  };
  sort(mk_block.has_value(), "MK block");
  sort(krk_block.has_value(), "KRK block");
  sort(public_key.has_value(), "cryptogram public key");
  sort(private_key.has_value(), "cryptogram private key");
  std::string out;
  List(out, "present", present);
  List(out, "missing", missing);
  return out;
}

Result<VersionObjects> FindVersion(HsmSession& session, std::uint8_t version) {
  TESSERA_RETURN_IF_ERROR(CheckVersion(version));
  VersionObjects found;
  TESSERA_ASSIGN_OR_RETURN(
      found.mk_block, FindTokenObject(session, ObjectClass::kSecretKey, MkBlockLabel(version)));
  TESSERA_ASSIGN_OR_RETURN(
      found.krk_block, FindTokenObject(session, ObjectClass::kSecretKey, KrkBlockLabel(version)));
  const std::string pair = CryptogramKeyLabel(version);
  TESSERA_ASSIGN_OR_RETURN(found.public_key,
                           FindTokenObject(session, ObjectClass::kPublicKey, pair));
  TESSERA_ASSIGN_OR_RETURN(found.private_key,
                           FindTokenObject(session, ObjectClass::kPrivateKey, pair));
  return found;
}

Result<std::uint8_t> HighestCompleteVersion(HsmSession& session) {
  TESSERA_ASSIGN_OR_RETURN(std::vector<std::string> labels,
                           TokenObjectLabels(session, ObjectClass::kSecretKey));
  std::vector<std::uint8_t> candidates;
  for (int v = kMaxVersion; v >= kMinVersion; --v) {
    const std::string label = MkBlockLabel(static_cast<std::uint8_t>(v));
    if (std::find(labels.begin(), labels.end(), label) != labels.end()) {
      candidates.push_back(static_cast<std::uint8_t>(v));
    }
  }
  for (std::uint8_t v : candidates) {
    TESSERA_ASSIGN_OR_RETURN(VersionObjects objects, FindVersion(session, v));
    if (objects.complete()) return v;
  }
  return Status::NotFound("HSM token '" + session.token_label() +
                          "' holds no complete key version");
}

Result<VersionHandles> RequireVersion(HsmSession& session, std::uint8_t version) {
  TESSERA_ASSIGN_OR_RETURN(VersionObjects found, FindVersion(session, version));
  if (!found.complete()) {
    return Status::NotFound("HSM token '" + session.token_label() + "' does not hold key " +
                            VersionName(version) + " (" + found.Describe() + ")");
  }
  return VersionHandles{*found.mk_block, *found.krk_block, *found.public_key, *found.private_key};
}

}  // namespace tessera::hsm
