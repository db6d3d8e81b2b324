// The function lists (PKCS#11 2.40 §5.2, 3.0 §5.2) every entry point is
// reachable through. Defined in function_list.cpp.
#pragma once

#include "pkcs11/api/pkcs11_3_0.h"

namespace tessera::p11::api {

extern CK_FUNCTION_LIST kFunctionList240;
extern CK_FUNCTION_LIST_3_0 kFunctionList30;

}  // namespace tessera::p11::api
