#include "host/card/piv_client.hpp"

#include <openssl/rand.h>

#include "common/piv/block_cipher.hpp"
#include "common/piv/public_key.hpp"
#include "common/status_words.hpp"
#include "common/tlv.hpp"
#include "host/card/sw_status.hpp"

namespace tessera::host {
namespace {

constexpr std::size_t kPinBlock = 8;

CommandApdu Apdu(std::uint8_t ins, std::uint8_t p1, std::uint8_t p2, Bytes data = {},
                 bool expect_data = true) {
  CommandApdu c;
  c.ins = ins;
  c.p1 = p1;
  c.p2 = p2;
  c.data = std::move(data);
  if (expect_data) c.le = kShortMaxLe;
  return c;
}

// The value of `tag` inside a 7C dynamic authentication template.
Result<ByteView> DynamicAuthField(ByteView response, std::uint32_t tag) {
  TESSERA_ASSIGN_OR_RETURN(ByteView inner, ParseSingle(response, piv::tag::kDynamicAuth));
  TESSERA_ASSIGN_OR_RETURN(std::vector<Tlv> fields, ParseTlvs(inner));
  auto value = FindTag(fields, tag);
  if (!value) return Status::InvalidArgument("card response lacks tag " + std::to_string(tag));
  return *value;
}

}  // namespace

Result<SecureBytes> PadPin(ByteView pin) {
  if (pin.empty() || pin.size() > kPinBlock) {
    return Status::InvalidArgument("a PIN or PUK is 1 to 8 bytes");
  }
  SecureBytes out(pin);
  while (out.size() < kPinBlock) out.Append(Bytes{0xFF});
  return out;
}

Result<ResponseApdu> PivClient::Send(const CommandApdu& command) {
  return channel_.Transmit(command);
}

Result<Bytes> PivClient::Call(const CommandApdu& command, const char* what) {
  TESSERA_ASSIGN_OR_RETURN(ResponseApdu r, Send(command));
  TESSERA_RETURN_IF_ERROR(SwToStatus(r.sw, what));
  return std::move(r.data);
}

Result<Bytes> PivClient::Select() {
  return Call(
      Apdu(piv::ins::kSelect, 0x04, 0x00, Bytes(std::begin(piv::kAid), std::end(piv::kAid))),
      "SELECT PIV");
}

Result<std::array<std::uint8_t, 3>> PivClient::GetVersion() {
  TESSERA_ASSIGN_OR_RETURN(Bytes v, Call(Apdu(piv::ins::kGetVersion, 0, 0), "GET VERSION"));
  if (v.size() != 3) return Status::InvalidArgument("GET VERSION: expected 3 bytes");
  return std::array<std::uint8_t, 3>{v[0], v[1], v[2]};
}

Result<std::uint32_t> PivClient::GetSerial() {
  TESSERA_ASSIGN_OR_RETURN(Bytes v, Call(Apdu(piv::ins::kGetSerial, 0, 0), "GET SERIAL"));
  if (v.size() != 4) return Status::InvalidArgument("GET SERIAL: expected 4 bytes");
  return GetU32(v);
}

Status PivClient::VerifyPin(ByteView pin) {
  TESSERA_ASSIGN_OR_RETURN(SecureBytes padded, PadPin(pin));
  Bytes data(padded.view().begin(), padded.view().end());
  auto r = Send(Apdu(piv::ins::kVerify, 0x00, piv::key::kPin, std::move(data), false));
  if (!r.ok()) return r.status();
  return SwToStatus(r->sw, "VERIFY");
}

Result<int> PivClient::PinStatus() {
  TESSERA_ASSIGN_OR_RETURN(ResponseApdu r,
                           Send(Apdu(piv::ins::kVerify, 0x00, piv::key::kPin, {}, false)));
  if (r.sw == 0x9000) return -1;
  if ((r.sw & 0xFFF0) == sw::kPinTriesLeft) return r.sw & 0x0F;
  return SwToStatus(r.sw, "VERIFY (status)");
}

Status PivClient::ChangeReference(std::uint8_t reference, ByteView old_value, ByteView new_value,
                                  std::uint8_t ins) {
  TESSERA_ASSIGN_OR_RETURN(SecureBytes a, PadPin(old_value));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes b, PadPin(new_value));
  Bytes data = Concat({a.view(), b.view()});
  auto r = Send(Apdu(ins, 0x00, reference, data, false));
  OPENSSL_cleanse(data.data(), data.size());
  if (!r.ok()) return r.status();
  return SwToStatus(
      r->sw, ins == piv::ins::kResetRetryCounter ? "RESET RETRY COUNTER" : "CHANGE REFERENCE DATA");
}

Status PivClient::ChangePin(ByteView old_pin, ByteView new_pin) {
  return ChangeReference(piv::key::kPin, old_pin, new_pin, piv::ins::kChangeReference);
}
Status PivClient::ChangePuk(ByteView old_puk, ByteView new_puk) {
  return ChangeReference(piv::key::kPuk, old_puk, new_puk, piv::ins::kChangeReference);
}
Status PivClient::UnblockPin(ByteView puk, ByteView new_pin) {
  return ChangeReference(piv::key::kPin, puk, new_pin, piv::ins::kResetRetryCounter);
}

// SP 800-73-4 Part 2 Appendix A.1: witness, then challenge-response, in one
// mutual exchange as yubico-piv-tool performs it.
Status PivClient::AuthenticateManagementKey(piv::Algorithm alg, ByteView key) {
  const auto p1 = static_cast<std::uint8_t>(alg);
  const std::size_t bs = piv::BlockSize(alg);
  TESSERA_ASSIGN_OR_RETURN(Bytes first,
                           Call(Apdu(piv::ins::kGeneralAuthenticate, p1, piv::key::kManagement,
                                     EncodeTlv(piv::tag::kDynamicAuth, EncodeTlv(0x80, {}))),
                                "GENERAL AUTHENTICATE (witness)"));
  TESSERA_ASSIGN_OR_RETURN(ByteView witness, DynamicAuthField(first, 0x80));
  TESSERA_ASSIGN_OR_RETURN(Bytes plain, piv::BlockDecrypt(alg, key, witness));
  Bytes challenge(bs);
  if (RAND_bytes(challenge.data(), static_cast<int>(bs)) != 1) return ossl::Error("RAND_bytes");
  Bytes inner = Concat({EncodeTlv(0x80, plain), EncodeTlv(0x81, challenge)});
  TESSERA_ASSIGN_OR_RETURN(Bytes second,
                           Call(Apdu(piv::ins::kGeneralAuthenticate, p1, piv::key::kManagement,
                                     EncodeTlv(piv::tag::kDynamicAuth, inner)),
                                "GENERAL AUTHENTICATE (challenge)"));
  TESSERA_ASSIGN_OR_RETURN(ByteView answer, DynamicAuthField(second, 0x82));
  TESSERA_ASSIGN_OR_RETURN(Bytes expected, piv::BlockEncrypt(alg, key, challenge));
  if (!ConstantTimeEqual(answer, expected)) {
    return Status::SecurityStatus("the card did not prove it holds the management key");
  }
  return Status::Ok();
}

Result<ossl::PkeyPtr> PivClient::GenerateKey(std::uint8_t slot, piv::Algorithm alg,
                                             piv::PinPolicy pin, piv::TouchPolicy touch) {
  Bytes params = EncodeTlv(0x80, Bytes{static_cast<std::uint8_t>(alg)});
  if (pin != piv::PinPolicy::kDefault)
    AppendTlv(params, 0xAA, Bytes{static_cast<std::uint8_t>(pin)});
  if (touch != piv::TouchPolicy::kDefault) {
    AppendTlv(params, 0xAB, Bytes{static_cast<std::uint8_t>(touch)});
  }
  TESSERA_ASSIGN_OR_RETURN(
      Bytes r, Call(Apdu(piv::ins::kGenerateAsymmetric, 0x00, slot, EncodeTlv(0xAC, params)),
                    "GENERATE ASYMMETRIC KEY PAIR"));
  TESSERA_ASSIGN_OR_RETURN(ByteView contents, ParseSingle(r, piv::tag::kPublicKey));
  return piv::DecodePublicKey(alg, contents);
}

Result<SecureBytes> PivClient::PrivateKeyOperation(std::uint8_t slot, piv::Algorithm alg,
                                                   std::uint8_t input_tag, ByteView input) {
  Bytes inner = Concat({EncodeTlv(0x82, {}), EncodeTlv(input_tag, input)});
  TESSERA_ASSIGN_OR_RETURN(
      Bytes r, Call(Apdu(piv::ins::kGeneralAuthenticate, static_cast<std::uint8_t>(alg), slot,
                         EncodeTlv(piv::tag::kDynamicAuth, inner)),
                    "GENERAL AUTHENTICATE"));
  TESSERA_ASSIGN_OR_RETURN(ByteView out, DynamicAuthField(r, 0x82));
  SecureBytes result(out);
  OPENSSL_cleanse(r.data(), r.size());
  return result;
}

Result<Bytes> PivClient::GetData(std::uint32_t object_tag) {
  Bytes tag_bytes;
  AppendTag(tag_bytes, object_tag);
  TESSERA_ASSIGN_OR_RETURN(
      Bytes r, Call(Apdu(piv::ins::kGetData, 0x3F, 0xFF, EncodeTlv(piv::tag::kTagList, tag_bytes)),
                    "GET DATA"));
  if (object_tag == piv::tag::kDiscovery) return r;
  TESSERA_ASSIGN_OR_RETURN(ByteView value, ParseSingle(r, piv::tag::kData));
  return Bytes(value.begin(), value.end());
}

Status PivClient::PutData(std::uint32_t object_tag, ByteView value) {
  Bytes tag_bytes;
  AppendTag(tag_bytes, object_tag);
  Bytes data =
      Concat({EncodeTlv(piv::tag::kTagList, tag_bytes), EncodeTlv(piv::tag::kData, value)});
  auto r = Call(Apdu(piv::ins::kPutData, 0x3F, 0xFF, std::move(data), false), "PUT DATA");
  return r.status();
}

Result<PivKeyMetadata> PivClient::GetKeyMetadata(std::uint8_t slot) {
  TESSERA_ASSIGN_OR_RETURN(Bytes r, Call(Apdu(piv::ins::kGetMetadata, 0x00, slot), "GET METADATA"));
  TESSERA_ASSIGN_OR_RETURN(std::vector<Tlv> fields, ParseTlvs(r));
  auto alg = FindTag(fields, 0x01);
  auto policy = FindTag(fields, 0x02);
  auto origin = FindTag(fields, 0x03);
  auto pub = FindTag(fields, 0x04);
  if (!alg || alg->size() != 1 || !policy || policy->size() != 2 || !origin ||
      origin->size() != 1 || !pub) {
    return Status::InvalidArgument("GET METADATA: incomplete key metadata");
  }
  auto algorithm = piv::AlgorithmFromByte((*alg)[0]);
  if (!algorithm) return Status::InvalidArgument("GET METADATA: unknown algorithm");
  PivKeyMetadata m;
  m.algorithm = *algorithm;
  m.pin_policy = static_cast<piv::PinPolicy>((*policy)[0]);
  m.touch_policy = static_cast<piv::TouchPolicy>((*policy)[1]);
  m.origin = static_cast<piv::KeyOrigin>((*origin)[0]);
  TESSERA_ASSIGN_OR_RETURN(m.public_key, piv::DecodePublicKey(*algorithm, *pub));
  return m;
}

Result<PivPinMetadata> PivClient::GetPinMetadata(std::uint8_t reference) {
  TESSERA_ASSIGN_OR_RETURN(Bytes r,
                           Call(Apdu(piv::ins::kGetMetadata, 0x00, reference), "GET METADATA"));
  TESSERA_ASSIGN_OR_RETURN(std::vector<Tlv> fields, ParseTlvs(r));
  auto is_default = FindTag(fields, 0x05);
  auto tries = FindTag(fields, 0x06);
  if (!is_default || is_default->size() != 1 || !tries || tries->size() != 2) {
    return Status::InvalidArgument("GET METADATA: incomplete PIN metadata");
  }
  return PivPinMetadata{(*is_default)[0] == 1, (*tries)[0], (*tries)[1]};
}

Result<piv::Algorithm> PivClient::GetManagementKeyAlgorithm() {
  TESSERA_ASSIGN_OR_RETURN(
      Bytes r, Call(Apdu(piv::ins::kGetMetadata, 0x00, piv::key::kManagement), "GET METADATA"));
  TESSERA_ASSIGN_OR_RETURN(std::vector<Tlv> fields, ParseTlvs(r));
  auto alg = FindTag(fields, 0x01);
  if (!alg || alg->size() != 1) return Status::InvalidArgument("GET METADATA 9B: no algorithm");
  auto algorithm = piv::AlgorithmFromByte((*alg)[0]);
  if (!algorithm || !piv::IsSymmetric(*algorithm)) {
    return Status::InvalidArgument("GET METADATA 9B: not a management key algorithm");
  }
  return *algorithm;
}

Result<Bytes> PivClient::Attest(std::uint8_t slot) {
  return Call(Apdu(piv::ins::kAttest, slot, 0x00), "ATTEST");
}

}  // namespace tessera::host
