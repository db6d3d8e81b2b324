#include "tests/integration/piv_client.hpp"

#include <openssl/core_names.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <cstdio>

#include "common/tlv.hpp"

namespace tessera::testing {
namespace {

constexpr std::uint32_t kWitnessTag = 0x80;
constexpr std::uint32_t kChallengeTag = 0x81;
constexpr std::uint32_t kResponseTag = 0x82;

CommandApdu Apdu(std::uint8_t ins, std::uint8_t p1, std::uint8_t p2, Bytes data = {},
                 std::optional<std::size_t> le = std::nullopt) {
  CommandApdu apdu;
  apdu.ins = ins;
  apdu.p1 = p1;
  apdu.p2 = p2;
  apdu.data = std::move(data);
  apdu.le = le;
  return apdu;
}

std::string SwText(std::uint16_t sw) {
  char buf[8];
  (void)std::snprintf(buf, sizeof(buf), "%04X", sw);
  return buf;
}

Status ExpectOk(const ResponseApdu& r, std::string_view what) {
  if (r.ok()) return Status::Ok();
  return Status::Internal(std::string(what) + " answered SW " + SwText(r.sw));
}

Result<Bytes> Des3Ecb(ByteView key, ByteView block, bool encrypt) {
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  Bytes out(block.size() + 8);
  int n = 0;
  if (!ctx ||
      EVP_CipherInit_ex(ctx.get(), EVP_des_ede3_ecb(), nullptr, key.data(), nullptr,
                        encrypt ? 1 : 0) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
      EVP_CipherUpdate(ctx.get(), out.data(), &n, block.data(), static_cast<int>(block.size())) !=
          1) {
    return ossl::Error("3DES");
  }
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// The value of `inner` inside the single `outer` template of `data`.
Result<Bytes> Inner(ByteView data, std::uint32_t outer, std::uint32_t inner) {
  TESSERA_ASSIGN_OR_RETURN(ByteView contents, ParseSingle(data, outer));
  TESSERA_ASSIGN_OR_RETURN(std::vector<Tlv> tlvs, ParseTlvs(contents));
  std::optional<ByteView> value = FindTag(tlvs, inner);
  if (!value) return Status::InvalidArgument("response lacks the expected tag");
  return Bytes(value->begin(), value->end());
}

Result<ossl::PkeyPtr> FromParams(const char* type, OSSL_PARAM* params) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    return ossl::Error("EVP_PKEY_fromdata");
  }
  return ossl::PkeyPtr(key);
}

// SP 800-73-4 Part 2 §3.3.2: RSA 81 modulus, 82 exponent; EC 86 point.
Result<ossl::PkeyPtr> DecodePublicKey(piv::Algorithm alg, ByteView template_7f49) {
  TESSERA_ASSIGN_OR_RETURN(std::vector<Tlv> tlvs, ParseTlvs(template_7f49));
  if (alg == piv::Algorithm::kEd25519) {
    std::optional<ByteView> raw = FindTag(tlvs, 0x86);
    if (!raw) return Status::InvalidArgument("no 86 in 7F49");
    ossl::PkeyPtr key(
        EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw->data(), raw->size()));
    if (!key) return ossl::Error("Ed25519 public key");
    return key;
  }
  ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (piv::IsRsa(alg)) {
    std::optional<ByteView> n = FindTag(tlvs, 0x81);
    std::optional<ByteView> e = FindTag(tlvs, 0x82);
    if (!n || !e) return Status::InvalidArgument("no 81/82 in 7F49");
    ossl::BnPtr bn_n = ossl::BnFromBytes(*n);
    ossl::BnPtr bn_e = ossl::BnFromBytes(*e);
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get());
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get());
    ossl::ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
    return FromParams("RSA", params.get());
  }
  std::optional<ByteView> point = FindTag(tlvs, 0x86);
  if (!point) return Status::InvalidArgument("no 86 in 7F49");
  const char* group = alg == piv::Algorithm::kEccP384 ? "P-384" : "P-256";
  OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
  OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point->data(),
                                   point->size());
  ossl::ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  return FromParams("EC", params.get());
}

}  // namespace

Result<ResponseApdu> PivClient::Send(std::string_view hex) {
  TESSERA_ASSIGN_OR_RETURN(Bytes raw, FromHex(hex));
  TESSERA_ASSIGN_OR_RETURN(CommandApdu command, CommandApdu::Parse(raw));
  return Send(command);
}

Status PivClient::Select() {
  CommandApdu select =
      Apdu(piv::ins::kSelect, 0x04, 0x00, Bytes(std::begin(piv::kAid), std::end(piv::kAid)), 256);
  TESSERA_ASSIGN_OR_RETURN(ResponseApdu r, Send(select));
  return ExpectOk(r, "SELECT PIV");
}

Result<Bytes> PivClient::Version() {
  TESSERA_ASSIGN_OR_RETURN(ResponseApdu r, Send(Apdu(piv::ins::kGetVersion, 0, 0)));
  TESSERA_RETURN_IF_ERROR(ExpectOk(r, "GET VERSION"));
  return r.data;
}

Result<std::uint32_t> PivClient::Serial() {
  TESSERA_ASSIGN_OR_RETURN(ResponseApdu r, Send(Apdu(piv::ins::kGetSerial, 0, 0)));
  TESSERA_RETURN_IF_ERROR(ExpectOk(r, "GET SERIAL"));
  if (r.data.size() != 4) return Status::InvalidArgument("GET SERIAL: not 4 bytes");
  return GetU32(r.data);
}

Result<std::uint16_t> PivClient::VerifyPin(std::string_view pin) {
  CommandApdu verify = Apdu(piv::ins::kVerify, 0x00, piv::key::kPin);
  if (!pin.empty()) {
    verify.data.assign(8, 0xFF);  // SP 800-73-4 Part 2 §2.4.3: padded with FF
    std::copy(pin.begin(), pin.end(), verify.data.begin());
  }
  TESSERA_ASSIGN_OR_RETURN(ResponseApdu r, Send(verify));
  return r.sw;
}

Result<std::uint16_t> PivClient::ChangePin(std::string_view old_pin, std::string_view new_pin) {
  CommandApdu change = Apdu(piv::ins::kChangeReference, 0x00, piv::key::kPin, Bytes(16, 0xFF));
  std::copy(old_pin.begin(), old_pin.end(), change.data.begin());
  std::copy(new_pin.begin(), new_pin.end(), change.data.begin() + 8);
  TESSERA_ASSIGN_OR_RETURN(ResponseApdu r, Send(change));
  return r.sw;
}

Status PivClient::AuthenticateManagementKey(ByteView key) {
  const std::uint8_t tdes = static_cast<std::uint8_t>(piv::Algorithm::kTdes);
  CommandApdu ask = Apdu(piv::ins::kGeneralAuthenticate, tdes, piv::key::kManagement,
                         EncodeTlv(piv::tag::kDynamicAuth, EncodeTlv(kWitnessTag, {})), 256);
  TESSERA_ASSIGN_OR_RETURN(ResponseApdu first, Send(ask));
  TESSERA_RETURN_IF_ERROR(ExpectOk(first, "GENERAL AUTHENTICATE (witness)"));
  TESSERA_ASSIGN_OR_RETURN(Bytes encrypted, Inner(first.data, piv::tag::kDynamicAuth, kWitnessTag));
  TESSERA_ASSIGN_OR_RETURN(Bytes witness, Des3Ecb(key, encrypted, false));

  Bytes challenge(8);
  if (RAND_bytes(challenge.data(), static_cast<int>(challenge.size())) != 1) {
    return ossl::Error("RAND_bytes");
  }
  Bytes inner = EncodeTlv(kWitnessTag, witness);
  AppendTlv(inner, kChallengeTag, challenge);
  CommandApdu answer = Apdu(piv::ins::kGeneralAuthenticate, tdes, piv::key::kManagement,
                            EncodeTlv(piv::tag::kDynamicAuth, inner), 256);
  TESSERA_ASSIGN_OR_RETURN(ResponseApdu second, Send(answer));
  TESSERA_RETURN_IF_ERROR(ExpectOk(second, "GENERAL AUTHENTICATE (challenge)"));
  TESSERA_ASSIGN_OR_RETURN(Bytes card_answer,
                           Inner(second.data, piv::tag::kDynamicAuth, kResponseTag));
  TESSERA_ASSIGN_OR_RETURN(Bytes expected, Des3Ecb(key, challenge, true));
  if (card_answer != expected) return Status::SecurityStatus("card failed our challenge");
  return Status::Ok();
}

Result<ossl::PkeyPtr> PivClient::Generate(std::uint8_t slot, piv::Algorithm alg) {
  Bytes control = {0x80, 0x01, static_cast<std::uint8_t>(alg)};
  CommandApdu generate =
      Apdu(piv::ins::kGenerateAsymmetric, 0x00, slot, EncodeTlv(0xAC, control), 256);
  TESSERA_ASSIGN_OR_RETURN(ResponseApdu r, Send(generate));
  TESSERA_RETURN_IF_ERROR(ExpectOk(r, "GENERATE"));
  TESSERA_ASSIGN_OR_RETURN(ByteView contents, ParseSingle(r.data, piv::tag::kPublicKey));
  return DecodePublicKey(alg, contents);
}

Result<Bytes> PivClient::SignRaw(std::uint8_t slot, piv::Algorithm alg, ByteView input) {
  Bytes inner = EncodeTlv(kResponseTag, {});
  AppendTlv(inner, kChallengeTag, input);
  CommandApdu sign = Apdu(piv::ins::kGeneralAuthenticate, static_cast<std::uint8_t>(alg), slot,
                          EncodeTlv(piv::tag::kDynamicAuth, inner), 256);
  TESSERA_ASSIGN_OR_RETURN(ResponseApdu r, Send(sign));
  TESSERA_RETURN_IF_ERROR(ExpectOk(r, "GENERAL AUTHENTICATE (sign)"));
  return Inner(r.data, piv::tag::kDynamicAuth, kResponseTag);
}

Result<Bytes> PivClient::Sign(std::uint8_t slot, piv::Algorithm alg, ByteView message) {
  if (alg == piv::Algorithm::kEd25519) return SignRaw(slot, alg, message);
  Bytes digest = Sha256(message);
  if (piv::IsRsa(alg)) return SignRaw(slot, alg, Pkcs1Sha256Block(digest, piv::RsaBits(alg) / 8));
  return SignRaw(slot, alg, digest);
}

Status VerifySignature(EVP_PKEY* key, piv::Algorithm alg, ByteView message, ByteView signature) {
  int ok = 0;
  if (alg == piv::Algorithm::kEd25519) {
    ossl::MdCtxPtr md(EVP_MD_CTX_new());
    ok = md && EVP_DigestVerifyInit(md.get(), nullptr, nullptr, nullptr, key) == 1 &&
         EVP_DigestVerify(md.get(), signature.data(), signature.size(), message.data(),
                          message.size()) == 1;
  } else {
    Bytes digest = Sha256(message);
    ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
    ok = ctx && EVP_PKEY_verify_init(ctx.get()) == 1;
    if (ok && piv::IsRsa(alg)) {
      ok = EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) == 1 &&
           EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) == 1;
    }
    ok = ok && EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), digest.data(),
                               digest.size()) == 1;
  }
  if (!ok) return Status::SecurityStatus("signature does not verify: " + ossl::DrainErrors());
  return Status::Ok();
}

Bytes Sha256(ByteView data) {
  Bytes out(32);
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &n, EVP_sha256(), nullptr);
  return out;
}

Bytes Pkcs1Sha256Block(ByteView digest, std::size_t size) {
  // RFC 8017 §9.2 note 1: the DER DigestInfo prefix for SHA-256.
  Bytes t = HexOrDie("3031300d060960864801650304020105000420");
  Append(t, digest);
  // 00 01 FF..FF 00 T, filled in place (no growth, which GCC 12 at -O3
  // misreads as an out-of-bounds copy).
  Bytes block(size, 0xFF);
  block[0] = 0x00;
  block[1] = 0x01;
  block[size - t.size() - 1] = 0x00;
  std::copy(t.begin(), t.end(), block.end() - static_cast<std::ptrdiff_t>(t.size()));
  return block;
}

}  // namespace tessera::testing
