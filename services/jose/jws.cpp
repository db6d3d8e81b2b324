#include "services/jose/jws.hpp"

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>

#include <array>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/ossl.hpp"
#include "services/jose/jcs.hpp"

namespace tessera::jose {
namespace {

using Json = nlohmann::json;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, ossl::Deleter<ECDSA_SIG_free>>;

// RFC 7518 §3.3: RSA keys of 2048 bits or more.
constexpr int kMinRsaBits = 2048;
// P-521 is the largest curve an r || s could come from (2 x 66 bytes).
constexpr std::size_t kMaxEcFieldBytes = 66;

struct AlgInfo {
  JwsAlg alg;
  std::string_view name;
  const char* digest;
  std::size_t ec_field_bytes;  // 0 for RSA
};
constexpr std::array<AlgInfo, 4> kAlgs = {{
    {JwsAlg::kEs256, "ES256", "SHA256", 32},
    {JwsAlg::kEs384, "ES384", "SHA384", 48},
    {JwsAlg::kRs256, "RS256", "SHA256", 0},
    {JwsAlg::kPs256, "PS256", "SHA256", 0},
}};

const AlgInfo& Info(JwsAlg alg) {
  for (const AlgInfo& info : kAlgs) {
    if (info.alg == alg) return info;
  }
  return kAlgs[0];
}

// RFC 7515 §4.1: the members Tessera writes and reads. Anything else, "crit"
// included (§4.1.11), is refused rather than ignored.
Result<JwsParts> DecodeHeader(const std::string& header) {
  TESSERA_ASSIGN_OR_RETURN(bool canonical, IsCanonical(header));
  if (!canonical) return Status::InvalidArgument("JWS header is not canonical JSON (RFC 8785)");
  const Json json = Json::parse(header);
  if (!json.is_object()) return Status::InvalidArgument("JWS header is not a JSON object");
  JwsParts parts;
  bool has_alg = false;
  for (const auto& [name, value] : json.items()) {
    if (name != "alg" && name != "typ" && name != "kid") {
      return Status::InvalidArgument("JWS header member \"" + name + "\" is not supported");
    }
    if (!value.is_string()) {
      return Status::InvalidArgument("JWS header member \"" + name + "\" is not a string");
    }
    const auto& text = value.get_ref<const std::string&>();
    if (name == "alg") {
      TESSERA_ASSIGN_OR_RETURN(parts.alg, JwsAlgFromString(text));
      has_alg = true;
    } else if (name == "typ") {
      parts.typ = text;
    } else {
      parts.kid = text;
    }
  }
  if (!has_alg) return Status::InvalidArgument("JWS header has no \"alg\"");
  return parts;
}

// Whether `alg` may be verified with `key`: the curve decides ES256/ES384;
// an RSA key verifies RS256 or PS256, an RSA-PSS key only PS256.
Status CheckAlgFitsKey(JwsAlg alg, const EVP_PKEY& key) {
  TESSERA_ASSIGN_OR_RETURN(JwsAlg natural, JwsAlgFor(key));
  const bool fits = alg == natural || (alg == JwsAlg::kPs256 && natural == JwsAlg::kRs256 &&
                                       EVP_PKEY_get_base_id(&key) == EVP_PKEY_RSA);
  if (fits) return Status::Ok();
  return Status::SignatureInvalid("JWS alg " + std::string(ToString(alg)) +
                                  " does not fit the signer's key (" +
                                  std::string(ToString(natural)) + ")");
}

Status VerifySignature(JwsAlg alg, const EVP_PKEY& public_key, std::string_view input,
                       ByteView signature) {
  const AlgInfo& info = Info(alg);
  Bytes der;
  if (info.ec_field_bytes != 0) {
    // RFC 7518 §3.4: exactly r || s, each the field's size.
    if (signature.size() != 2 * info.ec_field_bytes) {
      return Status::SignatureInvalid("JWS " + std::string(info.name) + " signature is " +
                                      std::to_string(signature.size()) + " bytes, not " +
                                      std::to_string(2 * info.ec_field_bytes));
    }
    TESSERA_ASSIGN_OR_RETURN(der, EcdsaJoseToDer(signature));
    signature = der;
  }
  ossl::MdCtxPtr md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  // OpenSSL's verify API is not const-correct; it does not change the key.
  auto* key = const_cast<EVP_PKEY*>(&public_key);
  if (!md ||
      EVP_DigestVerifyInit_ex(md.get(), &pctx, info.digest, nullptr, nullptr, key, nullptr) != 1) {
    return ossl::Error("EVP_DigestVerifyInit_ex");
  }
  if (alg == JwsAlg::kPs256) {
    // RFC 7518 §3.5: MGF1 with SHA-256, a salt as long as the hash.
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, "SHA256", nullptr) != 1) {
      return ossl::Error("PS256 parameters");
    }
  }
  const int rc =
      EVP_DigestVerify(md.get(), signature.data(), signature.size(),
                       reinterpret_cast<const unsigned char*>(input.data()), input.size());
  (void)ossl::DrainErrors();
  if (rc != 1) return Status::SignatureInvalid("JWS signature does not verify");
  return Status::Ok();
}

}  // namespace

std::string_view ToString(JwsAlg alg) { return Info(alg).name; }

Result<JwsAlg> JwsAlgFromString(std::string_view name) {
  for (const AlgInfo& info : kAlgs) {
    if (info.name == name) return info.alg;
  }
  return Status::InvalidArgument("JWS alg \"" + std::string(name) +
                                 "\" is not one of ES256, ES384, RS256, PS256");
}

Result<JwsAlg> JwsAlgFor(const EVP_PKEY& public_key) {
  const int id = EVP_PKEY_get_base_id(&public_key);
  if (id == EVP_PKEY_EC) {
    std::array<char, 64> group{};
    std::size_t len = 0;
    if (EVP_PKEY_get_group_name(&public_key, group.data(), group.size(), &len) != 1) {
      return ossl::Error("EVP_PKEY_get_group_name");
    }
    const std::string_view curve(group.data(), len);
    if (curve == "prime256v1" || curve == "P-256") return JwsAlg::kEs256;
    if (curve == "secp384r1" || curve == "P-384") return JwsAlg::kEs384;
    return Status::InvalidArgument("EC curve " + std::string(curve) + " has no JWS alg here");
  }
  if (id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS) {
    if (EVP_PKEY_get_bits(&public_key) < kMinRsaBits) {
      return Status::InvalidArgument("RSA key of " +
                                     std::to_string(EVP_PKEY_get_bits(&public_key)) +
                                     " bits; JWS needs 2048 or more (RFC 7518 §3.3)");
    }
    return id == EVP_PKEY_RSA ? JwsAlg::kRs256 : JwsAlg::kPs256;
  }
  return Status::InvalidArgument("key type has no JWS alg here (EC P-256/P-384 or RSA)");
}

Result<std::string> SignCompact(JwsAlg alg, const std::string& typ,
                                const std::optional<std::string>& kid, const std::string& payload,
                                const JwsSigner& signer) {
  Json members = Json::object();
  if (!typ.empty()) members["typ"] = typ;
  if (kid) members["kid"] = *kid;
  return SignCompactWithHeader(alg, members, payload, signer);
}

Result<std::string> SignCompactWithHeader(JwsAlg alg, const nlohmann::json& header_members,
                                          const std::string& payload, const JwsSigner& signer) {
  if (!header_members.is_object() || header_members.contains("alg") ||
      header_members.contains("crit")) {
    return Status::InvalidArgument("JWS header members must be an object without alg or crit");
  }
  Json header = header_members;
  header["alg"] = ToString(alg);
  TESSERA_ASSIGN_OR_RETURN(std::string header_json, Canonicalize(header));
  std::string input =
      Base64UrlEncode(AsBytes(header_json)) + "." + Base64UrlEncode(AsBytes(payload));
  TESSERA_ASSIGN_OR_RETURN(Bytes signature, signer(input));
  const std::size_t field = Info(alg).ec_field_bytes;
  if (field != 0 && signature.size() != 2 * field) {
    return Status::InvalidArgument("signer gave " + std::to_string(signature.size()) + " bytes; " +
                                   std::string(ToString(alg)) + " needs r || s of " +
                                   std::to_string(2 * field));
  }
  return input + "." + Base64UrlEncode(signature);
}

Status VerifyJwsSignature(JwsAlg alg, const EVP_PKEY& public_key, std::string_view signing_input,
                          ByteView signature) {
  TESSERA_RETURN_IF_ERROR(CheckAlgFitsKey(alg, public_key));
  return VerifySignature(alg, public_key, signing_input, signature);
}

Result<JwsParts> ParseCompact(std::string_view jws) {
  const std::size_t dot1 = jws.find('.');
  const std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : jws.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || jws.find('.', dot2 + 1) != std::string_view::npos) {
    return Status::InvalidArgument("JWS compact form is not three parts joined by '.'");
  }
  auto header = Base64UrlDecode(jws.substr(0, dot1));
  if (!header.ok()) return Status::InvalidArgument("JWS header: " + header.status().message());
  auto payload = Base64UrlDecode(jws.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!payload.ok()) return Status::InvalidArgument("JWS payload: " + payload.status().message());
  auto signature = Base64UrlDecode(jws.substr(dot2 + 1));
  if (!signature.ok()) {
    return Status::InvalidArgument("JWS signature: " + signature.status().message());
  }
  TESSERA_ASSIGN_OR_RETURN(JwsParts parts, DecodeHeader(AsString(*header)));
  parts.payload = AsString(*payload);
  return parts;
}

Result<JwsParts> VerifyCompact(std::string_view jws, const EVP_PKEY& public_key) {
  TESSERA_ASSIGN_OR_RETURN(JwsParts parts, ParseCompact(jws));
  const std::size_t dot2 = jws.rfind('.');
  // ParseCompact checked the signature part decodes.
  Bytes signature = Base64UrlDecode(jws.substr(dot2 + 1)).value();
  TESSERA_RETURN_IF_ERROR(
      VerifyJwsSignature(parts.alg, public_key, jws.substr(0, dot2), signature));
  return parts;
}

Result<Bytes> EcdsaDerToJose(ByteView der, std::size_t field_bytes) {
  const unsigned char* p = der.data();
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig || p != der.data() + der.size()) {
    (void)ossl::DrainErrors();
    return Status::InvalidArgument("ECDSA signature is not one DER Ecdsa-Sig-Value");
  }
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  if (field_bytes == 0 || field_bytes > kMaxEcFieldBytes ||
      static_cast<std::size_t>(BN_num_bytes(r)) > field_bytes ||
      static_cast<std::size_t>(BN_num_bytes(s)) > field_bytes) {
    return Status::InvalidArgument("ECDSA r or s longer than the field (" +
                                   std::to_string(field_bytes) + " bytes)");
  }
  Bytes out = ossl::BnToBytes(r, field_bytes);
  Append(out, ossl::BnToBytes(s, field_bytes));
  return out;
}

Result<Bytes> EcdsaJoseToDer(ByteView jose) {
  if (jose.empty() || jose.size() % 2 != 0 || jose.size() > 2 * kMaxEcFieldBytes) {
    return Status::InvalidArgument("JWS ECDSA signature of " + std::to_string(jose.size()) +
                                   " bytes is not r || s");
  }
  const std::size_t half = jose.size() / 2;
  ossl::BnPtr r = ossl::BnFromBytes(jose.first(half));
  ossl::BnPtr s = ossl::BnFromBytes(jose.subspan(half));
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return ossl::Error("ECDSA_SIG_set0");
  }
  (void)r.release();  // owned by sig now
  (void)s.release();
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return ossl::Error("i2d_ECDSA_SIG");
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

// RFC 4648 §5 without padding (RFC 7515 §2). Decoding is strict: only the
// URL alphabet, no '=', no whitespace, and the unused low bits of the last
// character zero (§3.5), so each byte string has exactly one encoding.
std::string Base64UrlEncode(ByteView data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((data.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const std::uint32_t v =
        (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8) | data[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(kAlphabet[(v >> shift) & 0x3F]);
  }
  const std::size_t rest = data.size() - i;
  if (rest > 0) {
    std::uint32_t v = std::uint32_t{data[i]} << 16;
    if (rest == 2) v |= std::uint32_t{data[i + 1]} << 8;
    out.push_back(kAlphabet[(v >> 18) & 0x3F]);
    out.push_back(kAlphabet[(v >> 12) & 0x3F]);
    if (rest == 2) out.push_back(kAlphabet[(v >> 6) & 0x3F]);
  }
  return out;
}

Result<Bytes> Base64UrlDecode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
  };
  if (text.size() % 4 == 1) return Status::InvalidArgument("base64url length is impossible");
  Bytes out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = value(c);
    if (v < 0) {
      return Status::InvalidArgument(c == '=' ? "base64url has padding"
                                              : "base64url has a character outside its alphabet");
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  if (acc != 0) return Status::InvalidArgument("base64url has non-zero unused bits");
  return out;
}

}  // namespace tessera::jose
