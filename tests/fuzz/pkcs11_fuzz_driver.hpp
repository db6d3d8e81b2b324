// ApiDriver: turns fuzzer bytes into PKCS#11 calls on a CK_FUNCTION_LIST
// (see fuzz_pkcs11_api.cpp for the input format). It remembers the session
// and object handles the module handed out so later calls can use them,
// mixed with stale and made-up ones. Every buffer it passes is as long as
// the length next to it. Single-threaded; one driver per input.
#pragma once

#include <p11-kit/pkcs11.h>

#include <cstdint>
#include <deque>
#include <vector>

namespace tessera::fuzz {

using FuzzBytes = std::vector<std::uint8_t>;

// Reads the input front to back; zeros once it is used up.
class ByteReader {
 public:
  ByteReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool done() const { return at_ >= size_; }
  std::uint8_t Byte() { return at_ < size_ ? data_[at_++] : 0; }
  std::uint32_t U32();
  FuzzBytes Take(std::size_t n);

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

// A CK_ATTRIBUTE array that owns its values (a deque never moves them).
class FuzzTemplate {
 public:
  void Add(CK_ATTRIBUTE_TYPE type, FuzzBytes value, bool null_pointer = false);
  CK_ATTRIBUTE* data() { return attrs_.empty() ? nullptr : attrs_.data(); }
  CK_ULONG size() const { return attrs_.size(); }
  const FuzzBytes* Find(CK_ATTRIBUTE_TYPE type) const;

 private:
  std::deque<FuzzBytes> values_;
  std::vector<CK_ATTRIBUTE> attrs_;
};

// Aborts with `what` when a §5.2 rule the fuzzer checks does not hold.
void Require(bool holds, const char* what);

class ApiDriver {
 public:
  ApiDriver(CK_FUNCTION_LIST* f, const std::uint8_t* data, std::size_t size)
      : f_(f), in_(data, size) {}
  void Run();
  // Whether a call may have changed what the card holds.
  bool changed_token() const { return changed_token_; }

 private:
  void Step(std::uint8_t op);
  CK_SLOT_ID PickSlot();
  CK_SESSION_HANDLE PickSession();
  CK_OBJECT_HANDLE PickObject();
  FuzzBytes Pin();
  FuzzBytes AttributeValue(CK_ATTRIBUTE_TYPE type);
  FuzzTemplate Template();
  FuzzTemplate CannedTemplate(std::uint8_t which);
  void Remember(CK_OBJECT_HANDLE h);

  void OpenSession();
  void Login();
  void Info();
  void Find();
  void GetAttributes();
  void SetAttributes();
  void Create();
  void Generate();
  void CryptoInit();
  void CryptoData(std::uint8_t step);
  void Derive();
  void PinManagement();
  void Misc();

  CK_FUNCTION_LIST* f_;
  ByteReader in_;
  CK_SLOT_ID slot_ = 0;
  std::vector<CK_SESSION_HANDLE> sessions_;
  std::vector<CK_OBJECT_HANDLE> objects_;
  bool changed_token_ = false;
};

}  // namespace tessera::fuzz
