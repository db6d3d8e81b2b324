#include "firmware-sim/applets/shared/issuer_key_record.hpp"

#include <string>
#include <utility>

namespace tessera::sim {
namespace {

constexpr const char* kIssuerKeyRecord = "cm/key/10";
constexpr std::size_t kRecordSize = 2 + kIssuerPointSize;

}  // namespace

Result<std::optional<IssuerKey>> LoadIssuerKey(const Storage& storage) {
  std::optional<SecureBytes> raw = storage.Get(kIssuerKeyRecord);
  if (!raw) return std::optional<IssuerKey>();
  if (raw->size() != kRecordSize || (*raw)[1] != kIssuerCurveP256 || (*raw)[0] < kMinIssuerKvn ||
      (*raw)[0] > kMaxIssuerKvn || (*raw)[2] != 0x04) {
    return Status::Corrupt(std::string("card manager: malformed ") + kIssuerKeyRecord);
  }
  IssuerKey key;
  key.kvn = (*raw)[0];
  const ByteView point = raw->view().subspan(2);
  key.point.assign(point.begin(), point.end());
  return std::optional<IssuerKey>(std::move(key));
}

void PutIssuerKey(Transaction& txn, const IssuerKey& key) {
  Bytes record{key.kvn, kIssuerCurveP256};
  Append(record, key.point);
  txn.Put(kIssuerKeyRecord, record);
}

}  // namespace tessera::sim
