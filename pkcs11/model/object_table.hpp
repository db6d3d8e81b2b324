// ObjectTable: objects by handle, for one store (a card's objects for one
// insertion, or the session objects of a slot). Handles come from one
// process-wide counter and are never reused, so a stale handle is always
// invalid, never another object (PKCS#11 3.0 §2.4: handles of a closed
// session's objects or a removed token's objects must not be reused while
// the library is initialized). Not thread-safe: the owner's lock guards it.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "pkcs11/model/object.hpp"

namespace tessera::p11 {

// The next handle; never 0 (CK_INVALID_HANDLE).
ObjectHandle NewObjectHandle();

class ObjectTable {
 public:
  // Stores `object` under a new handle, which it returns.
  ObjectHandle Add(Object object);
  Object* Find(ObjectHandle handle);
  bool Remove(ObjectHandle handle);
  // Removes every object `pred` accepts.
  void RemoveIf(const std::function<bool(const Object&)>& pred);
  // The card objects of PIV key reference `key_ref` and class `cls`.
  void RemoveAt(std::uint8_t key_ref, ObjectClass cls);
  Object* FindAt(std::uint8_t key_ref, ObjectClass cls);
  std::vector<Object>& all() { return objects_; }
  const std::vector<Object>& all() const { return objects_; }

 private:
  std::vector<Object> objects_;
};

}  // namespace tessera::p11
