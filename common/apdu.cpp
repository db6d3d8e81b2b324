#include "common/apdu.hpp"

#include <algorithm>

namespace tessera {
namespace {

std::size_t ShortLe(std::uint8_t b) { return b == 0 ? kShortMaxLe : b; }
std::size_t ExtendedLe(std::uint16_t v) { return v == 0 ? kExtendedMaxLe : v; }

}  // namespace

Result<CommandApdu> CommandApdu::Parse(ByteView raw) {
  if (raw.size() < 4) return Status::WrongLength("APDU shorter than its 4-byte header");
  CommandApdu apdu;
  apdu.cla = raw[0];
  apdu.ins = raw[1];
  apdu.p1 = raw[2];
  apdu.p2 = raw[3];
  ByteView body = raw.subspan(4);
  if (body.empty()) return apdu;  // case 1
  if (body.size() == 1) {         // case 2S
    apdu.le = ShortLe(body[0]);
    return apdu;
  }
  if (body[0] != 0) {  // short Lc
    std::size_t lc = body[0];
    if (body.size() != 1 + lc && body.size() != 2 + lc) {
      return Status::WrongLength("APDU length does not match Lc");
    }
    apdu.data.assign(body.begin() + 1, body.begin() + 1 + static_cast<std::ptrdiff_t>(lc));
    if (body.size() == 2 + lc) apdu.le = ShortLe(body.back());
    return apdu;
  }
  // Extended: a zero byte, then two bytes of Lc or Le (§5.1, cases 2E/3E/4E).
  apdu.extended = true;
  if (body.size() < 3) return Status::WrongLength("truncated extended length");
  std::uint16_t first = GetU16(body.subspan(1));
  if (body.size() == 3) {  // case 2E
    apdu.le = ExtendedLe(first);
    return apdu;
  }
  std::size_t lc = first;
  if (lc == 0) return Status::WrongLength("extended Lc of zero");
  if (body.size() != 3 + lc && body.size() != 5 + lc) {
    return Status::WrongLength("APDU length does not match extended Lc");
  }
  apdu.data.assign(body.begin() + 3, body.begin() + 3 + static_cast<std::ptrdiff_t>(lc));
  if (body.size() == 5 + lc) apdu.le = ExtendedLe(GetU16(body.subspan(3 + lc)));
  return apdu;
}

Bytes CommandApdu::Serialize() const {
  Bytes out{cla, ins, p1, p2};
  bool ext = extended || data.size() > kShortMaxLc || (le && *le > kShortMaxLe);
  if (!ext) {
    if (!data.empty()) {
      out.push_back(static_cast<std::uint8_t>(data.size()));
      Append(out, data);
    }
    if (le) out.push_back(static_cast<std::uint8_t>(*le == kShortMaxLe ? 0 : *le));
    return out;
  }
  out.push_back(0);
  if (!data.empty()) {
    PutU16(out, static_cast<std::uint16_t>(data.size()));
    Append(out, data);
  }
  if (le) PutU16(out, static_cast<std::uint16_t>(*le >= kExtendedMaxLe ? 0 : *le));
  return out;
}

Result<ResponseApdu> ResponseApdu::Parse(ByteView raw) {
  if (raw.size() < 2) return Status::WrongLength("response shorter than SW1 SW2");
  ResponseApdu r;
  r.data.assign(raw.begin(), raw.end() - 2);
  r.sw = GetU16(raw.subspan(raw.size() - 2));
  return r;
}

Bytes ResponseApdu::Serialize() const {
  Bytes out = data;
  PutU16(out, sw);
  return out;
}

std::vector<CommandApdu> SplitForChaining(const CommandApdu& apdu, std::size_t chunk) {
  if (apdu.data.size() <= chunk || chunk == 0) return {apdu};
  std::vector<CommandApdu> parts;
  for (std::size_t off = 0; off < apdu.data.size(); off += chunk) {
    std::size_t n = std::min(chunk, apdu.data.size() - off);
    CommandApdu part = apdu;
    part.extended = false;
    part.data.assign(apdu.data.begin() + static_cast<std::ptrdiff_t>(off),
                     apdu.data.begin() + static_cast<std::ptrdiff_t>(off + n));
    bool last = off + n == apdu.data.size();
    if (!last) {
      part.cla |= kClaChaining;
      part.le.reset();
    } else if (part.le && *part.le > kShortMaxLe) {
      part.le = kShortMaxLe;
    }
    parts.push_back(std::move(part));
  }
  return parts;
}

}  // namespace tessera
