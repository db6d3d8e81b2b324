#include "pkcs11/core/token_objects.hpp"

#include <algorithm>
#include <atomic>

namespace tessera::p11 {
namespace {

std::atomic<ObjectHandle> next_handle{1};

}  // namespace

ObjectHandle TokenObjects::Add(Object object) {
  object.handle = next_handle.fetch_add(1);
  objects_.push_back(std::move(object));
  return objects_.back().handle;
}

Object* TokenObjects::Find(ObjectHandle handle) {
  auto it = std::find_if(objects_.begin(), objects_.end(),
                         [&](const Object& o) { return o.handle == handle; });
  return it == objects_.end() ? nullptr : &*it;
}

bool TokenObjects::Remove(ObjectHandle handle) {
  return std::erase_if(objects_, [&](const Object& o) { return o.handle == handle; }) == 1;
}

void TokenObjects::RemoveAt(std::uint8_t key_ref, ObjectClass cls) {
  std::erase_if(objects_, [&](const Object& o) {
    return o.cls == cls && o.where.key_ref == key_ref && o.where.key_ref != 0;
  });
}

Object* TokenObjects::FindAt(std::uint8_t key_ref, ObjectClass cls) {
  auto it = std::find_if(objects_.begin(), objects_.end(), [&](const Object& o) {
    return o.cls == cls && o.where.key_ref == key_ref;
  });
  return it == objects_.end() ? nullptr : &*it;
}

}  // namespace tessera::p11
