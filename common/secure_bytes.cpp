#include "common/secure_bytes.hpp"

#include <openssl/crypto.h>

#include <cstring>
#include <new>

namespace tessera {

SecureBytes::SecureBytes(std::size_t size) { Resize(size); }

SecureBytes::SecureBytes(ByteView data) { Append(data); }

SecureBytes::~SecureBytes() { Clear(); }

SecureBytes::SecureBytes(SecureBytes&& other) noexcept
    : data_(other.data_), size_(other.size_), capacity_(other.capacity_) {
  other.data_ = nullptr;
  other.size_ = other.capacity_ = 0;
}

SecureBytes& SecureBytes::operator=(SecureBytes&& other) noexcept {
  if (this != &other) {
    Clear();
    data_ = other.data_;
    size_ = other.size_;
    capacity_ = other.capacity_;
    other.data_ = nullptr;
    other.size_ = other.capacity_ = 0;
  }
  return *this;
}

void SecureBytes::Reserve(std::size_t capacity) {
  if (capacity <= capacity_) return;
  // Uninitialized: Resize zeroes what it adds, Append overwrites it.
  auto* fresh = new std::uint8_t[capacity];
  if (size_ > 0) std::memcpy(fresh, data_, size_);
  std::size_t keep = size_;
  Clear();
  data_ = fresh;
  size_ = keep;
  capacity_ = capacity;
}

void SecureBytes::Append(ByteView more) {
  if (more.empty()) return;
  Reserve(size_ + more.size());
  std::memcpy(data_ + size_, more.data(), more.size());
  size_ += more.size();
}

void SecureBytes::Resize(std::size_t size) {
  Reserve(size);
  if (size > size_) std::memset(data_ + size_, 0, size - size_);
  if (size < size_) OPENSSL_cleanse(data_ + size, size_ - size);
  size_ = size;
}

void SecureBytes::Clear() {
  if (data_ != nullptr) {
    OPENSSL_cleanse(data_, capacity_);
    delete[] data_;
  }
  data_ = nullptr;
  size_ = capacity_ = 0;
}

bool ConstantTimeEqual(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tessera
