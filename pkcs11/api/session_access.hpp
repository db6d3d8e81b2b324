// What every entry point does first: find the module, then the slot or the
// session it names, or the CK_RV that says why not (PKCS#11 3.0 §5.4, §5.6).
// Also reads C templates into the core's Template, and carries §5.2 output
// lengths between CK_ULONG and size_t.
#pragma once

#include <p11-kit/pkcs11.h>

#include <memory>

#include "pkcs11/api/library.hpp"
#include "pkcs11/model/object.hpp"

namespace tessera::p11::api {

struct SlotAccess {
  CK_RV rv = CKR_OK;
  std::shared_ptr<Module> module;
  Slot* slot = nullptr;
};
SlotAccess AccessSlot(CK_SLOT_ID id);

struct SessionAccess {
  CK_RV rv = CKR_OK;
  std::shared_ptr<Module> module;
  std::shared_ptr<Session> session;
  Slot* slot = nullptr;
};
SessionAccess AccessSession(CK_SESSION_HANDLE handle);

// CKR_ARGUMENTS_BAD for a NULL array with entries or a NULL value with a
// length; CKR_ATTRIBUTE_VALUE_INVALID for a length that cannot be real.
CK_RV ReadTemplate(const CK_ATTRIBUTE* attrs, CK_ULONG count, Template* out);

// An output buffer and its length for the core (§5.2): `out` may be NULL.
struct OutputBuffer {
  CK_BYTE_PTR out;
  CK_ULONG_PTR len;
  std::size_t size = 0;
  OutputBuffer(CK_BYTE_PTR o, CK_ULONG_PTR l) : out(o), len(l), size(l != nullptr ? *l : 0) {}
  // Writes the length back and returns `rv`.
  CK_RV Done(CK_RV rv) const {
    if (len != nullptr && (rv == CKR_OK || rv == CKR_BUFFER_TOO_SMALL)) *len = size;
    return rv;
  }
};

}  // namespace tessera::p11::api
