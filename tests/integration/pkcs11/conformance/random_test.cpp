// Random number generation (PKCS#11 3.0 §5.19): C_GenerateRandom in any
// session state, and C_SeedRandom answered with what the token can do.
#include <algorithm>

#include "tests/integration/pkcs11/conformance/conformance_fixture.hpp"

namespace tessera::testing::conformance {
namespace {

using RandomTest = ConformanceTest;

TEST_F(RandomTest, APublicReadOnlySessionGetsDifferentRandomBytes) {
  CK_TOKEN_INFO info{};
  ASSERT_THAT(f()->C_GetTokenInfo(slot_, &info), IsRv(CKR_OK));
  ASSERT_NE(info.flags & CKF_RNG, 0u) << "the token says it has a generator";
  const CK_SESSION_HANDLE s = Open(false);
  Bytes a(100, 0);
  Bytes b(100, 0);
  ASSERT_THAT(f()->C_GenerateRandom(s, a.data(), a.size()), IsRv(CKR_OK));
  ASSERT_THAT(f()->C_GenerateRandom(s, b.data(), b.size()), IsRv(CKR_OK));
  EXPECT_NE(a, b);
  EXPECT_NE(a, Bytes(100, 0));
}

TEST_F(RandomTest, ALargeRequestIsFilledCompletely) {
  const CK_SESSION_HANDLE s = Open(false);
  Bytes big(1 << 16, 0);
  ASSERT_THAT(f()->C_GenerateRandom(s, big.data(), big.size()), IsRv(CKR_OK));
  // A zero run of 64 bytes at the end would mean the tail was never written.
  EXPECT_FALSE(std::all_of(big.end() - 64, big.end(), [](std::uint8_t b) { return b == 0; }));
}

TEST_F(RandomTest, ZeroBytesIsHarmless) {
  // pkcs11test (GenerateRandomNone) accepts CKR_OK or CKR_ARGUMENTS_BAD.
  const CK_SESSION_HANDLE s = Open(false);
  CK_BYTE buf[4] = {};
  EXPECT_THAT(f()->C_GenerateRandom(s, buf, 0), IsRvOneOf({CKR_OK, CKR_ARGUMENTS_BAD}));
}

TEST_F(RandomTest, SeedingIsAcceptedOrNotSupported) {
  // §5.19 (C_SeedRandom): a token whose generator takes no seed says
  // CKR_RANDOM_SEED_NOT_SUPPORTED.
  const CK_SESSION_HANDLE s = Open(false);
  CK_BYTE seed[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_THAT(f()->C_SeedRandom(s, seed, sizeof seed),
              IsRvOneOf({CKR_OK, CKR_RANDOM_SEED_NOT_SUPPORTED}));
}

TEST_F(RandomTest, AnUnknownSessionIsSessionHandleInvalid) {
  CK_BYTE buf[8];
  EXPECT_THAT(f()->C_GenerateRandom(kBadSession, buf, sizeof buf),
              IsRv(CKR_SESSION_HANDLE_INVALID));
  EXPECT_THAT(f()->C_SeedRandom(kBadSession, buf, sizeof buf), IsRv(CKR_SESSION_HANDLE_INVALID));
}

}  // namespace
}  // namespace tessera::testing::conformance
