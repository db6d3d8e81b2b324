// What every session-taking entry point does first: find the library, the
// session and its slot, or the CK_RV that says why not (PKCS#11 2.40 §5.4,
// §5.6). Also reads C templates into the core's Template.
#pragma once

#include <p11-kit/pkcs11.h>

#include <memory>

#include "pkcs11/api/library.hpp"
#include "pkcs11/core/object.hpp"

namespace tessera::p11::api {

struct SessionAccess {
  CK_RV rv = CKR_OK;
  std::shared_ptr<Library> library;
  SessionRecord session;
  Slot* slot = nullptr;
};

SessionAccess AccessSession(CK_SESSION_HANDLE handle);

// CKR_ARGUMENTS_BAD for a NULL array with entries or a NULL value with a
// length; CKR_ATTRIBUTE_VALUE_INVALID for a length that cannot be real.
CK_RV ReadTemplate(const CK_ATTRIBUTE* attrs, CK_ULONG count, Template* out);

}  // namespace tessera::p11::api
