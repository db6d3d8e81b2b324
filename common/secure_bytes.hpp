// SecureBytes: a byte buffer for secrets (PINs, keys, session keys).
//
// The contents are wiped with OPENSSL_cleanse whenever the buffer releases its
// memory: on destruction, on assignment, and before any reallocation. Copies
// are explicit (Clone) so a secret is never duplicated by accident. Compare
// secrets only with ConstantTimeEqual. Not thread-safe; one owner at a time.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/bytes.hpp"

namespace tessera {

class SecureBytes {
 public:
  SecureBytes() = default;
  explicit SecureBytes(std::size_t size);
  explicit SecureBytes(ByteView data);
  ~SecureBytes();

  SecureBytes(SecureBytes&& other) noexcept;
  SecureBytes& operator=(SecureBytes&& other) noexcept;
  SecureBytes(const SecureBytes&) = delete;
  SecureBytes& operator=(const SecureBytes&) = delete;

  SecureBytes Clone() const { return SecureBytes(view()); }

  std::uint8_t* data() { return data_; }
  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  ByteView view() const { return {data_, size_}; }
  std::span<std::uint8_t> span() { return {data_, size_}; }
  std::uint8_t& operator[](std::size_t i) { return data_[i]; }
  std::uint8_t operator[](std::size_t i) const { return data_[i]; }

  void Append(ByteView more);
  void Resize(std::size_t size);  // new bytes are zero; wipes the old buffer on growth
  void Clear();                   // wipes and frees

 private:
  void Reserve(std::size_t capacity);

  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

// CRYPTO_memcmp over equal lengths; different lengths compare unequal (the
// length itself is not secret in any of our uses).
bool ConstantTimeEqual(ByteView a, ByteView b);

}  // namespace tessera
