// The one table from Status to CK_RV at the PKCS#11 boundary, and the guard
// every entry point runs its body in: no exception crosses the C ABI.
#pragma once

#include <p11-kit/pkcs11.h>

#include <new>

#include "common/status.hpp"

namespace tessera::p11::api {

CK_RV ToRv(const Status& status);

template <typename Body>
CK_RV Guard(Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return CKR_HOST_MEMORY;
  } catch (...) {
    return CKR_GENERAL_ERROR;
  }
}

}  // namespace tessera::p11::api
