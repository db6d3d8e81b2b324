#include "common/registration/user_info.hpp"

#include "common/registration/field_reader.hpp"
#include "common/tlv.hpp"

namespace tessera::registration {
namespace {

constexpr std::string_view kName = "the user identification";

constexpr detail::FieldSpec kUserInfoFields[] = {
    {tag::kUserId, 1, kMaxUserId, false, "user ID"},
    {tag::kEnrolmentCode, 1, kMaxCodeText, true, "enrolment code"},
    {tag::kTemplateAnswers, 2, kMaxAnswers, true, "template answers"},
};

Status CheckFields(const UserInfo& info) {
  if (!IsValidUserId(info.user_id)) {
    return detail::Malformed(kName,
                             "the user ID is not 1 to 128 characters of A-Z a-z 0-9 . _ @ -");
  }
  if (info.code.size() > kMaxCodeText) {
    return detail::Malformed(kName, "the enrolment code is longer than 64 characters");
  }
  for (char c : info.code) {
    if (c < 0x21 || c > 0x7E) {
      return detail::Malformed(kName, "the enrolment code is not printable ASCII");
    }
  }
  if (!info.answers.empty() && (info.answers.size() > kMaxAnswers || info.answers.front() != '{' ||
                                info.answers.back() != '}')) {
    return detail::Malformed(kName,
                             "the template answers are not a JSON object of at most 768 bytes");
  }
  return Status::Ok();
}

}  // namespace

bool IsValidUserId(std::string_view id) {
  if (id.empty() || id.size() > kMaxUserId) return false;
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '@' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<Bytes> Encode(const UserInfo& info) {
  TESSERA_RETURN_IF_ERROR(CheckFields(info));
  Bytes out = EncodeTlv(tag::kUserId, AsBytes(info.user_id));
  if (!info.code.empty()) AppendTlv(out, tag::kEnrolmentCode, AsBytes(info.code));
  if (!info.answers.empty()) AppendTlv(out, tag::kTemplateAnswers, AsBytes(info.answers));
  return out;
}

Result<UserInfo> DecodeUserInfo(ByteView data) {
  TESSERA_ASSIGN_OR_RETURN(detail::Fields f, detail::ReadFields(data, kUserInfoFields, kName));
  UserInfo info{detail::Text(f[0]), detail::Text(f[1]), detail::Text(f[2])};
  TESSERA_RETURN_IF_ERROR(CheckFields(info));
  TESSERA_ASSIGN_OR_RETURN(Bytes again, Encode(info));
  TESSERA_RETURN_IF_ERROR(detail::Canonical(data, again, kName));
  return info;
}

}  // namespace tessera::registration
