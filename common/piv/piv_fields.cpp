#include "common/piv/piv_fields.hpp"

#include <algorithm>
#include <string>

namespace tessera::piv {
namespace {

std::string TagHex(std::uint32_t tag) {
  Bytes encoded;
  AppendTag(encoded, tag);
  return ToHex(encoded);
}

bool Contains(std::initializer_list<std::uint32_t> tags, std::uint32_t tag) {
  return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

}  // namespace

Result<std::vector<ByteView>> ExpectFields(const std::vector<Tlv>& fields,
                                           std::initializer_list<std::uint32_t> wanted,
                                           std::initializer_list<std::uint32_t> ignored,
                                           std::string_view where) {
  for (const Tlv& f : fields) {
    if (!Contains(wanted, f.tag) && !Contains(ignored, f.tag)) {
      return Status::InvalidArgument(std::string(where) + ": unexpected tag " + TagHex(f.tag));
    }
  }
  std::vector<ByteView> out;
  for (std::uint32_t tag : wanted) {
    auto count =
        std::count_if(fields.begin(), fields.end(), [tag](const Tlv& f) { return f.tag == tag; });
    if (count != 1) {
      return Status::InvalidArgument(std::string(where) + ": tag " + TagHex(tag) +
                                     (count == 0 ? " missing" : " repeated"));
    }
    out.push_back(*FindTag(fields, tag));
  }
  return out;
}

}  // namespace tessera::piv
