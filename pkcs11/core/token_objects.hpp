// TokenObjects: the objects of the token in a slot, cached for one insertion.
// Handles come from one process-wide counter and are never reused, so a
// handle from before a removal is invalid afterwards, never another object.
// What has been read so far is tracked, so each part of the card is read at
// most once per insertion. Not thread-safe: the slot's lock guards it.
#pragma once

#include <cstdint>
#include <vector>

#include "pkcs11/core/object.hpp"

namespace tessera::p11 {

class TokenObjects {
 public:
  // Stage flags: which parts of the card are in the cache.
  bool certified_loaded = false;  // certificates and their key pairs
  bool keys_complete = false;     // also keys without certificates
  bool data_loaded = false;       // the public data containers

  ObjectHandle Add(Object object);
  Object* Find(ObjectHandle handle);
  bool Remove(ObjectHandle handle);
  // Removes every object in PIV key slot `key_ref` of class `cls`.
  void RemoveAt(std::uint8_t key_ref, ObjectClass cls);
  Object* FindAt(std::uint8_t key_ref, ObjectClass cls);
  std::vector<Object>& all() { return objects_; }

 private:
  std::vector<Object> objects_;
};

}  // namespace tessera::p11
