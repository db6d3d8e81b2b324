#include "common/registration/field_reader.hpp"

#include <algorithm>

#include "common/tlv.hpp"

namespace tessera::registration::detail {

Status Malformed(std::string_view message, const std::string& why) {
  return Status::InvalidArgument(std::string(message) + ": " + why);
}

Result<Fields> ReadFields(ByteView body, std::span<const FieldSpec> specs,
                          std::string_view message) {
  Fields out(specs.size());
  TlvReader reader(body);
  std::size_t next = 0;
  while (!reader.empty()) {
    Result<Tlv> t = reader.Next();
    if (!t.ok()) return t.status().Prefixed(std::string(message) + ": ");
    std::size_t at = next;
    while (at < specs.size() && specs[at].tag != t->tag) ++at;
    if (at == specs.size()) {
      return Malformed(message, "tag " + TagHex(t->tag) + " is unknown, repeated or out of order");
    }
    for (std::size_t skipped = next; skipped < at; ++skipped) {
      if (!specs[skipped].optional) {
        return Malformed(message, std::string("no ") + specs[skipped].name);
      }
    }
    const FieldSpec& spec = specs[at];
    if (t->value.size() < spec.min || t->value.size() > spec.max) {
      const std::string range = spec.min == spec.max
                                    ? std::to_string(spec.min)
                                    : std::to_string(spec.min) + " to " + std::to_string(spec.max);
      return Malformed(message, std::string(spec.name) + " is " + std::to_string(t->value.size()) +
                                    " bytes, not " + range);
    }
    out[at] = t->value;
    next = at + 1;
  }
  for (std::size_t rest = next; rest < specs.size(); ++rest) {
    if (!specs[rest].optional) return Malformed(message, std::string("no ") + specs[rest].name);
  }
  return out;
}

Result<Fields> ReadMessage(ByteView data, std::uint8_t outer, std::span<const FieldSpec> specs,
                           std::string_view message) {
  Result<ByteView> body = ParseSingle(data, outer);
  if (!body.ok()) return body.status().Prefixed(std::string(message) + ": ");
  return ReadFields(*body, specs, message);
}

Status Canonical(ByteView data, ByteView reencoded, std::string_view message) {
  if (!std::equal(data.begin(), data.end(), reencoded.begin(), reencoded.end())) {
    return Malformed(message, "not in canonical form (a length in a longer form than needed)");
  }
  return Status::Ok();
}

Bytes Copy(const std::optional<ByteView>& v) {
  return v.has_value() ? Bytes(v->begin(), v->end()) : Bytes{};
}

std::string Text(const std::optional<ByteView>& v) {
  return v.has_value() ? std::string(v->begin(), v->end()) : std::string{};
}

}  // namespace tessera::registration::detail
