#include "services/softtoken/device_proof.hpp"

#include <openssl/evp.h>

#include "common/ossl.hpp"
#include "services/jose/jws.hpp"
#include "services/softtoken/st_common.hpp"

namespace tessera::softtoken {
namespace {

constexpr std::string_view kLabel = "tessera-softtoken-v1";

Bytes Start(std::string_view purpose) {
  Bytes out(kLabel.begin(), kLabel.end());
  out.push_back(0x00);
  out.insert(out.end(), purpose.begin(), purpose.end());
  out.push_back(0x00);
  return out;
}

}  // namespace

Bytes RequestProofMessage(ByteView nonce, ByteView exporter, ByteView device_spki) {
  Bytes out = Start("request");
  out.insert(out.end(), nonce.begin(), nonce.end());
  out.insert(out.end(), exporter.begin(), exporter.end());
  const Bytes hash = Sha256(device_spki);
  out.insert(out.end(), hash.begin(), hash.end());
  return out;
}

Bytes PollProofMessage(std::string_view request_id, ByteView exporter) {
  Bytes out = Start("poll");
  out.insert(out.end(), request_id.begin(), request_id.end());
  out.insert(out.end(), exporter.begin(), exporter.end());
  return out;
}

Status CheckDeviceKey(ByteView device_spki) {
  Result<ossl::PkeyPtr> key = ossl::PublicKeyFromDer(device_spki);
  if (!key.ok()) return Status::InvalidArgument("the device key is not a SubjectPublicKeyInfo");
  char group[64] = {0};
  std::size_t length = 0;
  if (EVP_PKEY_get_base_id(key->get()) != EVP_PKEY_EC ||
      EVP_PKEY_get_utf8_string_param(key->get(), "group", group, sizeof group, &length) != 1 ||
      std::string_view(group) != "prime256v1") {
    ossl::DrainErrors();
    return Status::InvalidArgument("the device key is not a P-256 key");
  }
  return Status::Ok();
}

Status VerifyDeviceSignature(ByteView device_spki, ByteView message, ByteView signature) {
  TESSERA_RETURN_IF_ERROR(CheckDeviceKey(device_spki));
  if (signature.size() != 64) {
    return Status::InvalidArgument("the device signature is not 64 bytes of ES256 r || s");
  }
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr key, ossl::PublicKeyFromDer(device_spki));
  TESSERA_ASSIGN_OR_RETURN(Bytes der, jose::EcdsaJoseToDer(signature));
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1) {
    return ossl::Error("EVP_DigestVerifyInit");
  }
  const int ok =
      EVP_DigestVerify(ctx.get(), der.data(), der.size(), message.data(), message.size());
  ossl::DrainErrors();
  if (ok != 1) {
    return Status::SecurityStatus(
        "the device's signature does not verify with its key over this nonce and connection");
  }
  return Status::Ok();
}

}  // namespace tessera::softtoken
