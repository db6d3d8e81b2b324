// Names for the numbers a conformance failure shows: CK_RV and mechanism
// names ("CKR_OPERATION_ACTIVE", "CKM_AES_GCM"), and GoogleTest matchers
// that compare return codes and print them by name:
//
//   EXPECT_THAT(f->C_Login(...), IsRv(CKR_USER_ALREADY_LOGGED_IN));
//   EXPECT_THAT(rv, IsRvOneOf({CKR_OK, CKR_RANDOM_SEED_NOT_SUPPORTED}));
//
// The tables hold the values of the OASIS PKCS#11 3.0 headers as numbers, so
// they do not depend on which constants p11-kit's header carries. Stateless.
#pragma once

#include <gmock/gmock.h>
#include <p11-kit/pkcs11.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace tessera::testing::conformance {

// "CKR_PIN_INCORRECT"; an unknown value as "CKR_0x000001F3".
std::string RvName(CK_RV rv);
// "CKM_SHA256_RSA_PKCS"; an unknown value as "CKM_0x00001234".
std::string MechName(CK_MECHANISM_TYPE mechanism);

// Matches exactly `expected`; failures read "is CKR_OK" / "which is CKR_...".
::testing::Matcher<CK_RV> IsRv(CK_RV expected);
// Matches any of `accepted`: for the places where the spec allows more than
// one answer (each use says why in a comment).
::testing::Matcher<CK_RV> IsRvOneOf(std::initializer_list<CK_RV> accepted);
::testing::Matcher<CK_RV> IsRvOneOf(std::vector<CK_RV> accepted);

}  // namespace tessera::testing::conformance
