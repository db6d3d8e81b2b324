#include "pkcs11/core/log/apdu_trace.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/apdu.hpp"
#include "common/piv/piv_constants.hpp"
#include "common/tlv.hpp"

namespace tessera::p11::log {
namespace {

namespace ins = piv::ins;

constexpr std::size_t kMaxShownBytes = 128;
constexpr std::uint8_t kClaProprietary = 0x80;  // ISO 7816-4 §5.4.1: INS meanings are not ours

// Which data of an instruction may appear in a log.
struct Instruction {
  std::uint8_t ins;
  std::optional<std::uint8_t> p2;  // absent: any P2
  std::string_view name;
  bool show_command;
  bool show_response;
};

// First match wins, so a P2-specific row comes before its instruction's catch-all.
constexpr std::array<Instruction, 21> kInstructions = {{
    {ins::kSelect, {}, "SELECT", true, true},
    {ins::kGetResponse, {}, "GET RESPONSE", true, false},
    {ins::kVerify, {}, "VERIFY", false, true},
    {ins::kChangeReference, {}, "CHANGE REFERENCE DATA", false, true},
    {ins::kResetRetryCounter, {}, "RESET RETRY COUNTER", false, true},
    {ins::kGeneralAuthenticate, piv::key::kManagement, "GENERAL AUTHENTICATE", false, false},
    {ins::kGeneralAuthenticate, {}, "GENERAL AUTHENTICATE", true, false},
    {ins::kGenerateAsymmetric, {}, "GENERATE ASYMMETRIC KEY PAIR", true, true},
    // GET DATA and PUT DATA are refined by the object they name (DataObjectRule).
    {ins::kGetData, {}, "GET DATA", true, true},
    {ins::kPutData, {}, "PUT DATA", true, true},
    {ins::kGetMetadata, {}, "GET METADATA", true, true},
    {ins::kGetSerial, {}, "GET SERIAL", true, true},
    {ins::kAttest, {}, "ATTEST", true, true},
    {ins::kSetPinRetries, {}, "SET PIN RETRIES", true, true},
    {ins::kReset, {}, "RESET", true, true},
    {ins::kGetVersion, {}, "GET VERSION", true, true},
    {ins::kImportKey, {}, "IMPORT KEY", false, true},
    {ins::kSetManagementKey, {}, "SET MANAGEMENT KEY", false, true},
    {ins::kUnwrapAndStore, {}, "UNWRAP AND STORE", false, true},
    {ins::kSecretKeyImport, {}, "SECRET KEY IMPORT", false, true},
    {ins::kSecretKeyOperate, {}, "SECRET KEY OPERATION", false, false},
}};

// Objects readable only after the PIN (SP 800-73-4 Part 1 Table 3).
constexpr std::array<std::uint32_t, 4> kPinProtectedObjects = {
    piv::tag::kFingerprints, piv::tag::kFacialImage, piv::tag::kPrintedInformation,
    piv::tag::kIris};

const Instruction* Find(std::uint8_t cla, std::uint8_t ins_byte, std::uint8_t p2) {
  if ((cla & kClaProprietary) != 0) return nullptr;
  for (const Instruction& row : kInstructions) {
    if (row.ins == ins_byte && (!row.p2 || *row.p2 == p2)) return &row;
  }
  return nullptr;
}

// The object a GET DATA or PUT DATA names: data starting `5C <1-3 bytes>`.
std::optional<std::uint32_t> NamedObject(ByteView data) {
  TlvReader reader(data);
  const Result<Tlv> first = reader.Next();
  if (!first.ok() || first->tag != piv::tag::kTagList) return std::nullopt;
  if (first->value.empty() || first->value.size() > 3) return std::nullopt;
  std::uint32_t tag = 0;
  for (const std::uint8_t b : first->value) tag = (tag << 8) | b;
  return tag;
}

bool IsPinProtected(std::uint32_t object) {
  for (const std::uint32_t protected_object : kPinProtectedObjects) {
    if (object == protected_object) return true;
  }
  return false;
}

// A whole PUT DATA: exactly `5C tag 53 value`. A chain link is not, and its
// object cannot be known from it.
bool IsWholePutData(ByteView data) {
  TlvReader reader(data);
  const Result<Tlv> tag_list = reader.Next();
  if (!tag_list.ok() || tag_list->tag != piv::tag::kTagList) return false;
  const Result<Tlv> value = reader.Next();
  return value.ok() && value->tag == piv::tag::kData && reader.empty();
}

struct Visibility {
  std::string_view name;
  std::optional<std::uint32_t> object;
  bool show_command = false;
  bool show_response = false;
};

Visibility VisibilityOf(const CommandApdu& command) {
  const Instruction* row = Find(command.cla, command.ins, command.p2);
  if (row == nullptr) return {};
  Visibility v{row->name, std::nullopt, row->show_command, row->show_response};
  if (command.ins == ins::kGetData || command.ins == ins::kPutData) {
    v.object = NamedObject(command.data);
    const bool harmless = v.object && !IsPinProtected(*v.object);
    if (command.ins == ins::kGetData) v.show_response = harmless;
    if (command.ins == ins::kPutData) v.show_command = harmless && IsWholePutData(command.data);
  }
  return v;
}

std::string Hex2(std::uint8_t b) { return ToHex(ByteView(&b, 1)); }

// `<what, N bytes redacted>`, or `<N bytes redacted>` without `what`. Built by
// appending: GCC 12 at -O3 warns (-Wrestrict, a false positive) on
// `"literal" + std::string` here.
std::string Redacted(std::string_view what, std::size_t n) {
  std::string out = "<";
  if (!what.empty()) out.append(what).append(", ");
  out.append(std::to_string(n)).append(n == 1 ? " byte" : " bytes").append(" redacted>");
  return out;
}

std::string TagHex(std::uint32_t tag) {
  Bytes encoded;
  AppendTag(encoded, tag);
  return ToHex(encoded);
}

std::string Data(ByteView data, bool show) {
  if (!show) return Redacted("", data.size());
  if (data.size() <= kMaxShownBytes) return ToHex(data);
  return ToHex(data.first(kMaxShownBytes)) + "...(" + std::to_string(data.size()) + " bytes)";
}

std::string Header(ByteView raw, std::string_view name) {
  std::string out = Hex2(raw[0]) + " " + Hex2(raw[1]) + " " + Hex2(raw[2]) + " " + Hex2(raw[3]);
  if (!name.empty()) out.append(" ").append(name);
  return out;
}

std::string DescribeParsed(ByteView raw, const CommandApdu& command, const Visibility& v) {
  std::string out = Header(raw, v.name);
  if (command.chained()) out += " chained";
  if (v.object) out += " object=" + TagHex(*v.object);
  if (command.extended) out += " extended";
  if (!command.data.empty()) {
    out += " Lc=" + std::to_string(command.data.size()) +
           " data=" + Data(command.data, v.show_command);
  }
  if (command.le) out += " Le=" + std::to_string(*command.le);
  return out;
}

std::string DescribeResponse(ByteView raw_response, bool show) {
  const Result<ResponseApdu> response = ResponseApdu::Parse(raw_response);
  if (!response.ok()) return Redacted("malformed response", raw_response.size());
  std::string out = "SW=" + Hex2(response->sw1()) + Hex2(response->sw2());
  if (!response->data.empty()) out += " data=" + Data(response->data, show);
  return out;
}

// The description of `raw_command` and whether its response data may be shown.
std::string DescribeCommand(ByteView raw_command, bool* show_response) {
  *show_response = false;
  if (raw_command.size() < 4) return Redacted("malformed command", raw_command.size());
  const Result<CommandApdu> command = CommandApdu::Parse(raw_command);
  if (!command.ok()) {
    const Instruction* row = Find(raw_command[0], raw_command[1], raw_command[3]);
    return Header(raw_command, row != nullptr ? row->name : "") + " " +
           Redacted("malformed body", raw_command.size() - 4);
  }
  const Visibility v = VisibilityOf(*command);
  *show_response = v.show_response;
  return DescribeParsed(raw_command, *command, v);
}

}  // namespace

std::string DescribeCommandApdu(ByteView raw_command) {
  bool show_response = false;
  return DescribeCommand(raw_command, &show_response);
}

std::string DescribeResponseApdu(ByteView raw_response) {
  return DescribeResponse(raw_response, false);
}

std::string DescribeExchange(ByteView raw_command, ByteView raw_response) {
  bool show_response = false;
  std::string out = DescribeCommand(raw_command, &show_response);
  return out + " -> " + DescribeResponse(raw_response, show_response);
}

}  // namespace tessera::p11::log
