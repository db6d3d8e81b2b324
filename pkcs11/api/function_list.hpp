// The function lists (PKCS#11 2.40 §5.2, 3.0 §5.2) every entry point is
// reachable through. Defined in function_list.cpp.
#pragma once

#include "pkcs11/api/pkcs11_3_0.h"

namespace tessera::p11::api {

// Fixed for the life of the program, but not const: the C API hands out
// non-const pointers to them.
// NOLINTBEGIN(readability-identifier-naming)
extern CK_FUNCTION_LIST kFunctionList240;
extern CK_FUNCTION_LIST_3_0 kFunctionList30;
// NOLINTEND(readability-identifier-naming)

}  // namespace tessera::p11::api
