#include "services/cms/key_delivery.hpp"

#include "common/piv/key_package.hpp"
#include "common/piv/wrapped_key.hpp"
#include "hsm/token_key_wrap.hpp"

namespace tessera::cms {
namespace {

constexpr std::uint8_t kPivP256 = 0x11;    // SP 800-78-4 Table 6-2
constexpr std::uint8_t kFamilyEc = 0x03;   // CKK_EC
constexpr std::uint8_t kKdfSha256 = 0x06;  // the low byte of CKD_SHA256_KDF
constexpr std::size_t kKekBytes = 32;      // AES-256

}  // namespace

ca::KeyIssueRequest UserKeyIssue(const std::string& ca, const std::string& profile,
                                 const EformUser& user, std::uint32_t token_serial) {
  ca::KeyIssueRequest issue;
  issue.ca = ca;
  issue.profile = profile;
  issue.subject = {{"CN", user.name}, {"O", user.organization}, {"UID", user.id}};
  issue.email = user.email;
  issue.user_id = user.id;
  issue.token_serial = token_serial;
  return issue;
}

Result<KeyDelivery> MakeKeyDelivery(ca::HsmPool::Lease& lease, ca::CaService& ca,
                                    const ca::Actor& actor, KeyDeliveryRequest request) {
  TESSERA_ASSIGN_OR_RETURN(hsm::DeliverableKeyPair pair,
                           hsm::GenerateDeliverableP256(lease.session()));
  TESSERA_ASSIGN_OR_RETURN(request.issue.public_key,
                           hsm::EcPublicKeyInfo(lease.session(), pair.public_key.handle()));
  KeyDelivery out;
  TESSERA_ASSIGN_OR_RETURN(out.certificate, ca.PrepareForKey(request.issue, actor));
  hsm::TokenWrapParams wrap;
  wrap.token_key = request.token_key;
  wrap.shared_data =
      piv::wrap::EncodeSharedData({request.token_serial, request.slot, request.context});
  wrap.kdf = CKD_SHA256_KDF;
  wrap.kek_bytes = kKekBytes;
  TESSERA_ASSIGN_OR_RETURN(Bytes blob, hsm::WrapToTokenKey(lease.session(), lease.quirks(),
                                                           pair.private_key.handle(), wrap));
  piv::KeyPackage package;
  package.algorithm = kPivP256;
  package.family = kFamilyEc;
  package.kdf = kKdfSha256;
  package.kek_length = static_cast<std::uint8_t>(kKekBytes);
  package.shared = wrap.shared_data;
  package.blob = std::move(blob);
  out.key_package = piv::EncodeKeyPackage(package);
  return out;
}

}  // namespace tessera::cms
