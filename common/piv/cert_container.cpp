#include "common/piv/cert_container.hpp"

#include "common/tlv.hpp"

namespace tessera::piv {
namespace {

constexpr std::uint32_t kTagCertificate = 0x70;
constexpr std::uint32_t kTagCertInfo = 0x71;
constexpr std::uint32_t kTagErrorDetection = 0xFE;
constexpr std::uint8_t kCompressed = 0x01;

}  // namespace

Bytes EncodeCertContainer(ByteView der) {
  Bytes out = EncodeTlv(kTagCertificate, der);
  Append(out, EncodeTlv(kTagCertInfo, Bytes{0x00}));
  Append(out, EncodeTlv(kTagErrorDetection, Bytes{}));
  return out;
}

Result<Bytes> DecodeCertContainer(ByteView value) {
  if (value.empty()) return Bytes{};
  TESSERA_ASSIGN_OR_RETURN(std::vector<Tlv> fields, ParseTlvs(value));
  auto cert = FindTag(fields, kTagCertificate);
  if (!cert || cert->empty()) return Bytes{};
  auto info = FindTag(fields, kTagCertInfo);
  if (info && !info->empty() && ((*info)[0] & kCompressed) != 0) {
    return Status::FunctionNotSupported("compressed certificates are not supported");
  }
  return Bytes(cert->begin(), cert->end());
}

}  // namespace tessera::piv
