#include "hsm/signing_key.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

#include "common/crypto/hash.hpp"
#include "common/ossl.hpp"
#include "hsm/attribute_template.hpp"
#include "hsm/crypto_ops.hpp"
#include "hsm/key_object.hpp"
#include "hsm/key_ops.hpp"
#include "hsm/mechanism.hpp"
#include "hsm/pkcs11_types.hpp"

namespace tessera::hsm {
namespace {

// The constants pkcs11_types.hpp does not name yet are spelled here. The
// enums have a fixed CK_ULONG underlying type, so every value converts.
constexpr Attr kAttrId = static_cast<Attr>(CKA_ID);
constexpr Mechanism kRsaPkcs = static_cast<Mechanism>(CKM_RSA_PKCS);

constexpr CK_ULONG kRsaModulusBits = 3072;
constexpr std::array<std::uint8_t, 3> kRsaExponent = {0x01, 0x00, 0x01};  // 65537
constexpr std::size_t kIdBytes = 16;

// DER OBJECT IDENTIFIERs of the named curves (RFC 5480 §2.1.1.1), the
// CKA_EC_PARAMS value (PKCS#11 3.0 §2.3.3: ecParameters, namedCurve choice).
constexpr std::array<std::uint8_t, 10> kP256Oid = {0x06, 0x08, 0x2a, 0x86, 0x48,
                                                   0xce, 0x3d, 0x03, 0x01, 0x07};
constexpr std::array<std::uint8_t, 7> kP384Oid = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};

struct TypeInfo {
  SigningKeyType type;
  std::string_view word;
  bool ec;
  ByteView curve_oid;       // EC only
  const char* group_name;   // EC only: OpenSSL's group
  std::size_t field_bytes;  // EC only: r and s each
  crypto::Hash hash;        // the hash SignForX509 uses
};

const std::array<TypeInfo, 3> kTypes = {{
    {SigningKeyType::kP256, "p256", true, ByteView(kP256Oid), "prime256v1", 32,
     crypto::Hash::kSha256},
    {SigningKeyType::kP384, "p384", true, ByteView(kP384Oid), "secp384r1", 48,
     crypto::Hash::kSha384},
    {SigningKeyType::kRsa3072, "rsa3072", false, ByteView(), nullptr, 0, crypto::Hash::kSha256},
}};

const TypeInfo& Info(SigningKeyType type) {
  for (const TypeInfo& info : kTypes) {
    if (info.type == type) return info;
  }
  return kTypes[0];
}

std::string Describe(const HsmSession& session, std::string_view label) {
  return "signing key '" + std::string(label) + "' on HSM token '" + session.token_label() + "'";
}

AttributeTemplate PublicTemplate(const TypeInfo& info, std::string_view label, ByteView id) {
  AttributeTemplate t;
  t.Add(Attr::kClass, ObjectClass::kPublicKey)
      .Add(Attr::kKeyType, info.ec ? KeyType::kEc : KeyType::kRsa)
      .Add(Attr::kToken, true)
      .Add(Attr::kPrivate, false)
      .Add(Attr::kVerify, true)
      .Add(Attr::kEncrypt, false)
      .Add(Attr::kWrap, false)
      .Add(Attr::kDerive, false)
      .Add(Attr::kLabel, label)
      .Add(kAttrId, id);
  if (info.ec) {
    t.Add(Attr::kEcParams, info.curve_oid);
  } else {
    t.Add(Attr::kModulusBits, kRsaModulusBits).Add(Attr::kPublicExponent, ByteView(kRsaExponent));
  }
  return t;
}

// Sensitive, never extractable, sign only (docs/ca.md "Keys").
AttributeTemplate PrivateTemplate(const TypeInfo& info, std::string_view label, ByteView id) {
  AttributeTemplate t;
  t.Add(Attr::kClass, ObjectClass::kPrivateKey)
      .Add(Attr::kKeyType, info.ec ? KeyType::kEc : KeyType::kRsa)
      .Add(Attr::kToken, true)
      .Add(Attr::kPrivate, true)
      .Add(Attr::kSensitive, true)
      .Add(Attr::kExtractable, false)
      .Add(Attr::kModifiable, false)
      .Add(Attr::kSign, true)
      .Add(Attr::kDecrypt, false)
      .Add(Attr::kUnwrap, false)
      .Add(Attr::kDerive, false)
      .Add(Attr::kLabel, label)
      .Add(kAttrId, id);
  return t;
}

Result<CK_ULONG> ReadUlong(HsmSession& session, CK_OBJECT_HANDLE object, Attr type,
                           std::string_view what) {
  TESSERA_ASSIGN_OR_RETURN(Bytes value, ReadBytes(session, object, type, what));
  if (value.size() != sizeof(CK_ULONG))
    return Status::Internal("not a CK_ULONG: " + std::string(what));
  CK_ULONG out = 0;
  std::memcpy(&out, value.data(), sizeof out);
  return out;
}

// The key's type from the public half: CKA_KEY_TYPE, then the curve.
Result<SigningKeyType> ReadType(HsmSession& session, CK_OBJECT_HANDLE public_key,
                                const std::string& what) {
  TESSERA_ASSIGN_OR_RETURN(CK_ULONG key_type, ReadUlong(session, public_key, Attr::kKeyType, what));
  if (key_type == CKK_RSA) {
    TESSERA_ASSIGN_OR_RETURN(Bytes modulus, ReadBytes(session, public_key, Attr::kModulus, what));
    if (modulus.size() * 8 != kRsaModulusBits) {
      return Status::DataMismatch(what + " is RSA-" + std::to_string(modulus.size() * 8) +
                                  ", not RSA-3072");
    }
    return SigningKeyType::kRsa3072;
  }
  if (key_type == CKK_EC) {
    TESSERA_ASSIGN_OR_RETURN(Bytes params, ReadBytes(session, public_key, Attr::kEcParams, what));
    auto is = [&](ByteView oid) {
      return std::equal(params.begin(), params.end(), oid.begin(), oid.end());
    };
    if (is(kP256Oid)) return SigningKeyType::kP256;
    if (is(kP384Oid)) return SigningKeyType::kP384;
    return Status::DataMismatch(what + " is on a curve other than P-256 and P-384");
  }
  return Status::DataMismatch(what + " is neither an EC nor an RSA key");
}

// CKA_EC_POINT is the DER OCTET STRING around the point (PKCS#11 3.0
// §2.3.3); some modules return the bare point. Tell them apart by length:
// an uncompressed point is 1 + 2 * field bytes.
Result<Bytes> UnwrapEcPoint(const Bytes& value, std::size_t field_bytes) {
  if (value.size() == 1 + 2 * field_bytes && value[0] == POINT_CONVERSION_UNCOMPRESSED) {
    return value;
  }
  const unsigned char* p = value.data();
  ossl::Asn1OctetPtr octets(d2i_ASN1_OCTET_STRING(nullptr, &p, static_cast<long>(value.size())));
  if (!octets || p != value.data() + value.size()) {
    return Status::Corrupt("CKA_EC_POINT is neither a point nor a DER OCTET STRING");
  }
  return Bytes(octets->data, octets->data + octets->length);
}

Result<ossl::PkeyPtr> FromParams(const char* type, OSSL_PARAM_BLD* bld) {
  ossl::ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  if (!params) return ossl::Error("OSSL_PARAM_BLD_to_param");
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) return ossl::Error("EVP_PKEY_fromdata_init");
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return ossl::Error(std::string("EVP_PKEY_fromdata ") + type);
  }
  return ossl::PkeyPtr(raw);
}

Result<ossl::PkeyPtr> EcPublicKey(HsmSession& session, const SigningKey& key, const TypeInfo& info,
                                  const std::string& what) {
  TESSERA_ASSIGN_OR_RETURN(Bytes value, ReadBytes(session, key.public_key, Attr::kEcPoint, what));
  TESSERA_ASSIGN_OR_RETURN(Bytes point, UnwrapEcPoint(value, info.field_bytes));
  ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, info.group_name, 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return ossl::Error("EC public key parameters of " + what);
  }
  return FromParams("EC", bld.get());
}

Result<ossl::PkeyPtr> RsaPublicKey(HsmSession& session, const SigningKey& key,
                                   const std::string& what) {
  TESSERA_ASSIGN_OR_RETURN(Bytes modulus, ReadBytes(session, key.public_key, Attr::kModulus, what));
  TESSERA_ASSIGN_OR_RETURN(Bytes exponent,
                           ReadBytes(session, key.public_key, Attr::kPublicExponent, what));
  ossl::BnPtr n = ossl::BnFromBytes(modulus);
  ossl::BnPtr e = ossl::BnFromBytes(exponent);
  ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!n || !e || !bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    return ossl::Error("RSA public key parameters of " + what);
  }
  return FromParams("RSA", bld.get());
}

// CKM_ECDSA returns r || s, each the field size (PKCS#11 3.0 §2.3.1);
// X.509 carries Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }
// (RFC 3279 §2.2.3).
Result<Bytes> EcdsaSigValue(ByteView raw, std::size_t field_bytes) {
  if (raw.size() != 2 * field_bytes) {
    return Status::Internal("CKM_ECDSA returned " + std::to_string(raw.size()) +
                            " bytes, expected " + std::to_string(2 * field_bytes));
  }
  BIGNUM* r = BN_bin2bn(raw.data(), static_cast<int>(field_bytes), nullptr);
  BIGNUM* s = BN_bin2bn(raw.data() + field_bytes, static_cast<int>(field_bytes), nullptr);
  std::unique_ptr<ECDSA_SIG, ossl::Deleter<ECDSA_SIG_free>> sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return ossl::Error("ECDSA_SIG_set0");
  }
  int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (len <= 0) return ossl::Error("i2d_ECDSA_SIG");
  Bytes der(static_cast<std::size_t>(len));
  unsigned char* p = der.data();
  if (i2d_ECDSA_SIG(sig.get(), &p) != len) return ossl::Error("i2d_ECDSA_SIG");
  return der;
}

}  // namespace

Result<SigningKeyType> SigningKeyTypeFromString(std::string_view word) {
  for (const TypeInfo& info : kTypes) {
    if (info.word == word) return info.type;
  }
  return Status::InvalidArgument("unknown key type '" + std::string(word) +
                                 "': expected p256, p384 or rsa3072");
}

std::string_view ToString(SigningKeyType type) { return Info(type).word; }

Result<SigningKey> GenerateSigningKey(HsmSession& session, SigningKeyType type,
                                      const std::string& label) {
  const std::string what = Describe(session, label);
  TESSERA_ASSIGN_OR_RETURN(std::optional<CK_OBJECT_HANDLE> existing,
                           FindTokenObject(session, ObjectClass::kPrivateKey, label));
  if (existing) return Status::AlreadyExists(what + " exists already");
  const TypeInfo& info = Info(type);
  // One CKA_ID joins the two halves (PKCS#11 3.0 §4.7: the ID tells keys of
  // one pair apart from others); random so that it names no one.
  TESSERA_ASSIGN_OR_RETURN(SecureBytes id, GenerateRandom(session, kIdBytes));
  const ByteView id_view(id.data(), id.size());
  TESSERA_ASSIGN_OR_RETURN(
      KeyPair pair,
      GenerateKeyPair(
          session,
          MechanismSpec::Plain(info.ec ? Mechanism::kEcKeyPairGen : Mechanism::kRsaKeyPairGen),
          PublicTemplate(info, label, id_view), PrivateTemplate(info, label, id_view), what));
  SigningKey key;
  key.type = type;
  key.label = label;
  key.public_key = std::move(pair.public_key).Keep();
  key.private_key = std::move(pair.private_key).Keep();
  return key;
}

Result<SigningKey> FindSigningKey(HsmSession& session, const std::string& label) {
  const std::string what = Describe(session, label);
  Result<CK_OBJECT_HANDLE> private_key =
      RequireTokenObject(session, ObjectClass::kPrivateKey, label);
  if (!private_key.ok()) {
    if (private_key.status().code() == Code::kNotFound) {
      return Status::NotFound("no " + what);
    }
    return private_key.status();
  }
  Result<CK_OBJECT_HANDLE> public_key = RequireTokenObject(session, ObjectClass::kPublicKey, label);
  if (!public_key.ok()) {
    if (public_key.status().code() == Code::kNotFound) {
      return Status::NotFound(what + " has no public half");
    }
    return public_key.status();
  }
  TESSERA_ASSIGN_OR_RETURN(SigningKeyType type, ReadType(session, *public_key, what));
  return SigningKey{*private_key, *public_key, type, label};
}

Result<Bytes> SigningPublicKeyInfo(HsmSession& session, const SigningKey& key) {
  const std::string what = Describe(session, key.label);
  const TypeInfo& info = Info(key.type);
  Result<ossl::PkeyPtr> pkey =
      info.ec ? EcPublicKey(session, key, info, what) : RsaPublicKey(session, key, what);
  if (!pkey.ok()) return pkey.status();
  return ossl::PublicKeyToDer(pkey->get());
}

Result<SigningKeyType> SigningKeyTypeOf(HsmSession& session, CK_OBJECT_HANDLE public_key,
                                        const std::string& what) {
  return ReadType(session, public_key, what);
}

ByteView EcCurveParams(SigningKeyType type) { return Info(type).curve_oid; }

Bytes SignatureAlgorithmDer(SigningKeyType type) {
  switch (type) {
    case SigningKeyType::kP256:  // ecdsa-with-SHA256, parameters absent (RFC 5758 §3.2)
      return {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
    case SigningKeyType::kP384:  // ecdsa-with-SHA384
      return {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
    case SigningKeyType::kRsa3072:  // sha256WithRSAEncryption, NULL (RFC 4055 §5)
      return {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
              0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00};
  }
  return {};
}

Result<Bytes> SignForX509(HsmSession& session, const SigningKey& key, ByteView data) {
  const TypeInfo& info = Info(key.type);
  TESSERA_ASSIGN_OR_RETURN(Bytes digest, crypto::DigestOnce(info.hash, data));
  const std::string what = Describe(session, key.label);
  if (info.ec) {
    TESSERA_ASSIGN_OR_RETURN(SecureBytes raw, Sign(session, MechanismSpec::Plain(Mechanism::kEcdsa),
                                                   key.private_key, digest, what));
    return EcdsaSigValue(ByteView(raw.data(), raw.size()), info.field_bytes);
  }
  // RSASSA-PKCS1-v1_5 (RFC 8017 §8.2): CKM_RSA_PKCS pads the DigestInfo.
  const Bytes digest_info = crypto::DigestInfo(info.hash, digest);
  TESSERA_ASSIGN_OR_RETURN(SecureBytes signature, Sign(session, MechanismSpec::Plain(kRsaPkcs),
                                                       key.private_key, digest_info, what));
  return Bytes(signature.data(), signature.data() + signature.size());
}

}  // namespace tessera::hsm
