#include "services/jose/status_list.hpp"

#include <zlib.h>

#include <array>

#include "services/jose/json_strict.hpp"

namespace tessera::jose {
namespace {

using Json = nlohmann::json;

Result<std::string> Deflate(ByteView raw) {
  // The draft RECOMMENDS the highest compression level.
  uLongf len = compressBound(static_cast<uLong>(raw.size()));
  Bytes out(len);
  if (compress2(out.data(), &len, raw.data(), static_cast<uLong>(raw.size()), Z_BEST_COMPRESSION) !=
      Z_OK) {
    return Status::Internal("zlib compress2 failed");
  }
  out.resize(len);
  return Base64UrlEncode(out);
}

// Inflates one zlib stream, refusing more than kMaxStatusListBytes of output
// (a few KiB of input can expand a thousandfold) and input after the end.
Result<Bytes> Inflate(ByteView compressed) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return Status::Internal("zlib inflateInit failed");
  struct End {
    z_stream* zs;
    ~End() { inflateEnd(zs); }
  } end{&zs};
  zs.next_in = const_cast<Bytef*>(compressed.data());
  zs.avail_in = static_cast<uInt>(compressed.size());
  Bytes out;
  std::array<Bytef, 16384> chunk{};
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = chunk.data();
    zs.avail_out = static_cast<uInt>(chunk.size());
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      return Status::InvalidArgument("status list lst is not a zlib stream (" +
                                     std::string(zs.msg != nullptr ? zs.msg : "truncated") + ")");
    }
    const std::size_t produced = chunk.size() - zs.avail_out;
    if (out.size() + produced > kMaxStatusListBytes) {
      return Status::InvalidArgument("status list inflates beyond " +
                                     std::to_string(kMaxStatusListBytes) + " bytes");
    }
    out.insert(out.end(), chunk.data(), chunk.data() + produced);
    if (rc == Z_OK && produced == 0 && zs.avail_in == 0) {
      return Status::InvalidArgument("status list lst is a truncated zlib stream");
    }
  }
  if (zs.avail_in != 0)
    return Status::InvalidArgument("status list lst has bytes after its zlib stream");
  return out;
}

}  // namespace

Result<Json> EncodeStatusList(const std::vector<std::uint64_t>& revoked, std::uint64_t size) {
  if (size > std::uint64_t{kMaxStatusListBytes} * 8) {
    return Status::InvalidArgument("status list of " + std::to_string(size) +
                                   " tokens is too large");
  }
  Bytes bits((size + 7) / 8, 0);
  for (std::uint64_t index : revoked) {
    if (index >= size) {
      return Status::InvalidArgument("status index " + std::to_string(index) +
                                     " is beyond the list of " + std::to_string(size));
    }
    bits[index / 8] |= static_cast<std::uint8_t>(1u << (index % 8));
  }
  TESSERA_ASSIGN_OR_RETURN(std::string lst, Deflate(bits));
  return Json{{"bits", 1}, {"lst", lst}};
}

Result<Bytes> DecodeStatusList(const Json& status_list) {
  if (!status_list.is_object()) return Status::InvalidArgument("status_list is not an object");
  TESSERA_ASSIGN_OR_RETURN(std::int64_t bits, IntegerMember(status_list, "bits", "status_list"));
  if (bits != 1) {
    return Status::InvalidArgument("status_list bits is " + std::to_string(bits) + ", not 1");
  }
  TESSERA_ASSIGN_OR_RETURN(std::string lst, StringMember(status_list, "lst", "status_list"));
  auto compressed = Base64UrlDecode(lst);
  if (!compressed.ok()) {
    return Status::InvalidArgument("status_list lst: " + compressed.status().message());
  }
  return Inflate(*compressed);
}

Result<TokenStatus> StatusAt(ByteView list, std::uint64_t index) {
  if (index / 8 >= list.size()) {
    return Status::NotFound("status index " + std::to_string(index) + " is beyond the list of " +
                            std::to_string(list.size() * 8));
  }
  return ((list[index / 8] >> (index % 8)) & 1u) != 0 ? TokenStatus::kInvalid : TokenStatus::kValid;
}

}  // namespace tessera::jose
