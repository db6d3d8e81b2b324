// Turning a CK_RV from an HSM's module into a Status.
//
// Every failure the adapter reports names the PKCS#11 function that failed,
// the CK_RV by name and in hex, and what the adapter was doing, so an operator
// can match it against the HSM vendor's documentation. Stateless.
#pragma once

#include <p11-kit/pkcs11.h>

#include <string>
#include <string_view>

#include "common/status.hpp"

namespace tessera::hsm {

// "CKR_PIN_INCORRECT", or "" for a value this table does not know.
std::string_view CkRvName(CK_RV rv);

// "C_Login returned CKR_PIN_INCORRECT (0x000000a0)".
std::string DescribeCkRv(std::string_view function, CK_RV rv);

// A Status for a failed call: `context` says what was being done ("logging in
// to HSM token 'ca'"), the rest is DescribeCkRv. The code follows the CK_RV.
Status CkRvStatus(std::string_view context, std::string_view function, CK_RV rv);

}  // namespace tessera::hsm
