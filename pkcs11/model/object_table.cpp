#include "pkcs11/model/object_table.hpp"

#include <algorithm>
#include <atomic>

namespace tessera::p11 {
namespace {

std::atomic<ObjectHandle> next_handle{1};

}  // namespace

ObjectHandle NewObjectHandle() { return next_handle.fetch_add(1); }

ObjectHandle ObjectTable::Add(Object object) {
  object.handle = NewObjectHandle();
  objects_.push_back(std::move(object));
  return objects_.back().handle;
}

Object* ObjectTable::Find(ObjectHandle handle) {
  auto it = std::find_if(objects_.begin(), objects_.end(),
                         [&](const Object& o) { return o.handle == handle; });
  return it == objects_.end() ? nullptr : &*it;
}

bool ObjectTable::Remove(ObjectHandle handle) {
  return std::erase_if(objects_, [&](const Object& o) { return o.handle == handle; }) == 1;
}

void ObjectTable::RemoveIf(const std::function<bool(const Object&)>& pred) {
  std::erase_if(objects_, pred);
}

void ObjectTable::RemoveAt(std::uint8_t key_ref, ObjectClass cls) {
  std::erase_if(objects_, [&](const Object& o) {
    return o.cls == cls && o.where.key_ref == key_ref && o.where.key_ref != 0;
  });
}

Object* ObjectTable::FindAt(std::uint8_t key_ref, ObjectClass cls) {
  auto it = std::find_if(objects_.begin(), objects_.end(), [&](const Object& o) {
    return o.cls == cls && o.where.key_ref == key_ref && o.where.key_ref != 0;
  });
  return it == objects_.end() ? nullptr : &*it;
}

}  // namespace tessera::p11
