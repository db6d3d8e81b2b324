// The function list (PKCS#11 2.40 §5.2) every entry point is reachable
// through. Defined in function_list.cpp.
#pragma once

#include <p11-kit/pkcs11.h>

namespace tessera::p11::api {

extern CK_FUNCTION_LIST kFunctionList240;

}  // namespace tessera::p11::api
