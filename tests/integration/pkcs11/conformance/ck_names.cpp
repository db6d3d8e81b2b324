#include "tests/integration/pkcs11/conformance/ck_names.hpp"

#include <cstdio>
#include <utility>

namespace tessera::testing::conformance {
namespace {

struct Named {
  unsigned long value;
  const char* name;
};

// PKCS#11 3.0 pkcs11t.h, CKR_*.
constexpr Named kRvs[] = {
    {0x000, "CKR_OK"},
    {0x001, "CKR_CANCEL"},
    {0x002, "CKR_HOST_MEMORY"},
    {0x003, "CKR_SLOT_ID_INVALID"},
    {0x005, "CKR_GENERAL_ERROR"},
    {0x006, "CKR_FUNCTION_FAILED"},
    {0x007, "CKR_ARGUMENTS_BAD"},
    {0x008, "CKR_NO_EVENT"},
    {0x009, "CKR_NEED_TO_CREATE_THREADS"},
    {0x00A, "CKR_CANT_LOCK"},
    {0x010, "CKR_ATTRIBUTE_READ_ONLY"},
    {0x011, "CKR_ATTRIBUTE_SENSITIVE"},
    {0x012, "CKR_ATTRIBUTE_TYPE_INVALID"},
    {0x013, "CKR_ATTRIBUTE_VALUE_INVALID"},
    {0x01B, "CKR_ACTION_PROHIBITED"},
    {0x020, "CKR_DATA_INVALID"},
    {0x021, "CKR_DATA_LEN_RANGE"},
    {0x030, "CKR_DEVICE_ERROR"},
    {0x031, "CKR_DEVICE_MEMORY"},
    {0x032, "CKR_DEVICE_REMOVED"},
    {0x040, "CKR_ENCRYPTED_DATA_INVALID"},
    {0x041, "CKR_ENCRYPTED_DATA_LEN_RANGE"},
    {0x042, "CKR_AEAD_DECRYPT_FAILED"},
    {0x050, "CKR_FUNCTION_CANCELED"},
    {0x051, "CKR_FUNCTION_NOT_PARALLEL"},
    {0x054, "CKR_FUNCTION_NOT_SUPPORTED"},
    {0x060, "CKR_KEY_HANDLE_INVALID"},
    {0x062, "CKR_KEY_SIZE_RANGE"},
    {0x063, "CKR_KEY_TYPE_INCONSISTENT"},
    {0x064, "CKR_KEY_NOT_NEEDED"},
    {0x065, "CKR_KEY_CHANGED"},
    {0x066, "CKR_KEY_NEEDED"},
    {0x067, "CKR_KEY_INDIGESTIBLE"},
    {0x068, "CKR_KEY_FUNCTION_NOT_PERMITTED"},
    {0x069, "CKR_KEY_NOT_WRAPPABLE"},
    {0x06A, "CKR_KEY_UNEXTRACTABLE"},
    {0x070, "CKR_MECHANISM_INVALID"},
    {0x071, "CKR_MECHANISM_PARAM_INVALID"},
    {0x082, "CKR_OBJECT_HANDLE_INVALID"},
    {0x090, "CKR_OPERATION_ACTIVE"},
    {0x091, "CKR_OPERATION_NOT_INITIALIZED"},
    {0x0A0, "CKR_PIN_INCORRECT"},
    {0x0A1, "CKR_PIN_INVALID"},
    {0x0A2, "CKR_PIN_LEN_RANGE"},
    {0x0A3, "CKR_PIN_EXPIRED"},
    {0x0A4, "CKR_PIN_LOCKED"},
    {0x0B0, "CKR_SESSION_CLOSED"},
    {0x0B1, "CKR_SESSION_COUNT"},
    {0x0B3, "CKR_SESSION_HANDLE_INVALID"},
    {0x0B4, "CKR_SESSION_PARALLEL_NOT_SUPPORTED"},
    {0x0B5, "CKR_SESSION_READ_ONLY"},
    {0x0B6, "CKR_SESSION_EXISTS"},
    {0x0B7, "CKR_SESSION_READ_ONLY_EXISTS"},
    {0x0B8, "CKR_SESSION_READ_WRITE_SO_EXISTS"},
    {0x0C0, "CKR_SIGNATURE_INVALID"},
    {0x0C1, "CKR_SIGNATURE_LEN_RANGE"},
    {0x0D0, "CKR_TEMPLATE_INCOMPLETE"},
    {0x0D1, "CKR_TEMPLATE_INCONSISTENT"},
    {0x0E0, "CKR_TOKEN_NOT_PRESENT"},
    {0x0E1, "CKR_TOKEN_NOT_RECOGNIZED"},
    {0x0E2, "CKR_TOKEN_WRITE_PROTECTED"},
    {0x0F0, "CKR_UNWRAPPING_KEY_HANDLE_INVALID"},
    {0x0F1, "CKR_UNWRAPPING_KEY_SIZE_RANGE"},
    {0x0F2, "CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT"},
    {0x100, "CKR_USER_ALREADY_LOGGED_IN"},
    {0x101, "CKR_USER_NOT_LOGGED_IN"},
    {0x102, "CKR_USER_PIN_NOT_INITIALIZED"},
    {0x103, "CKR_USER_TYPE_INVALID"},
    {0x104, "CKR_USER_ANOTHER_ALREADY_LOGGED_IN"},
    {0x105, "CKR_USER_TOO_MANY_TYPES"},
    {0x110, "CKR_WRAPPED_KEY_INVALID"},
    {0x112, "CKR_WRAPPED_KEY_LEN_RANGE"},
    {0x113, "CKR_WRAPPING_KEY_HANDLE_INVALID"},
    {0x114, "CKR_WRAPPING_KEY_SIZE_RANGE"},
    {0x115, "CKR_WRAPPING_KEY_TYPE_INCONSISTENT"},
    {0x120, "CKR_RANDOM_SEED_NOT_SUPPORTED"},
    {0x121, "CKR_RANDOM_NO_RNG"},
    {0x130, "CKR_DOMAIN_PARAMS_INVALID"},
    {0x140, "CKR_CURVE_NOT_SUPPORTED"},
    {0x150, "CKR_BUFFER_TOO_SMALL"},
    {0x160, "CKR_SAVED_STATE_INVALID"},
    {0x170, "CKR_INFORMATION_SENSITIVE"},
    {0x180, "CKR_STATE_UNSAVEABLE"},
    {0x190, "CKR_CRYPTOKI_NOT_INITIALIZED"},
    {0x191, "CKR_CRYPTOKI_ALREADY_INITIALIZED"},
    {0x1A0, "CKR_MUTEX_BAD"},
    {0x1A1, "CKR_MUTEX_NOT_LOCKED"},
    {0x1B0, "CKR_NEW_PIN_MODE"},
    {0x1B1, "CKR_NEXT_OTP"},
    {0x1B5, "CKR_EXCEEDED_MAX_ITERATIONS"},
    {0x1B6, "CKR_FIPS_SELF_TEST_FAILED"},
    {0x1B7, "CKR_LIBRARY_LOAD_FAILED"},
    {0x1B8, "CKR_PIN_TOO_WEAK"},
    {0x1B9, "CKR_PUBLIC_KEY_INVALID"},
    {0x200, "CKR_FUNCTION_REJECTED"},
    {0x201, "CKR_TOKEN_RESOURCE_EXCEEDED"},
    {0x202, "CKR_OPERATION_CANCEL_FAILED"},
    {0x80000000, "CKR_VENDOR_DEFINED"},
};

// The mechanisms this suite names (PKCS#11 3.0 pkcs11t.h, CKM_*).
constexpr Named kMechs[] = {
    {0x0000, "CKM_RSA_PKCS_KEY_PAIR_GEN"},
    {0x0001, "CKM_RSA_PKCS"},
    {0x0003, "CKM_RSA_X_509"},
    {0x0006, "CKM_SHA1_RSA_PKCS"},
    {0x0009, "CKM_RSA_PKCS_OAEP"},
    {0x000D, "CKM_RSA_PKCS_PSS"},
    {0x000E, "CKM_SHA1_RSA_PKCS_PSS"},
    {0x0040, "CKM_SHA256_RSA_PKCS"},
    {0x0041, "CKM_SHA384_RSA_PKCS"},
    {0x0042, "CKM_SHA512_RSA_PKCS"},
    {0x0043, "CKM_SHA256_RSA_PKCS_PSS"},
    {0x0044, "CKM_SHA384_RSA_PKCS_PSS"},
    {0x0045, "CKM_SHA512_RSA_PKCS_PSS"},
    {0x0046, "CKM_SHA224_RSA_PKCS"},
    {0x0047, "CKM_SHA224_RSA_PKCS_PSS"},
    {0x0060, "CKM_SHA3_256_RSA_PKCS"},
    {0x0063, "CKM_SHA3_256_RSA_PKCS_PSS"},
    {0x0120, "CKM_DES_KEY_GEN"},
    {0x0121, "CKM_DES_ECB"},
    {0x0122, "CKM_DES_CBC"},
    {0x0123, "CKM_DES_MAC"},
    {0x0124, "CKM_DES_MAC_GENERAL"},
    {0x0125, "CKM_DES_CBC_PAD"},
    {0x0131, "CKM_DES3_KEY_GEN"},
    {0x0132, "CKM_DES3_ECB"},
    {0x0133, "CKM_DES3_CBC"},
    {0x0134, "CKM_DES3_MAC"},
    {0x0135, "CKM_DES3_MAC_GENERAL"},
    {0x0136, "CKM_DES3_CBC_PAD"},
    {0x0138, "CKM_DES3_CMAC"},
    {0x0150, "CKM_DES_OFB64"},
    {0x0151, "CKM_DES_OFB8"},
    {0x0152, "CKM_DES_CFB64"},
    {0x0153, "CKM_DES_CFB8"},
    {0x0220, "CKM_SHA_1"},
    {0x0221, "CKM_SHA_1_HMAC"},
    {0x0250, "CKM_SHA256"},
    {0x0251, "CKM_SHA256_HMAC"},
    {0x0252, "CKM_SHA256_HMAC_GENERAL"},
    {0x0255, "CKM_SHA224"},
    {0x0256, "CKM_SHA224_HMAC"},
    {0x0260, "CKM_SHA384"},
    {0x0261, "CKM_SHA384_HMAC"},
    {0x0262, "CKM_SHA384_HMAC_GENERAL"},
    {0x0270, "CKM_SHA512"},
    {0x0271, "CKM_SHA512_HMAC"},
    {0x0272, "CKM_SHA512_HMAC_GENERAL"},
    {0x02B0, "CKM_SHA3_256"},
    {0x02C0, "CKM_SHA3_384"},
    {0x02D0, "CKM_SHA3_512"},
    {0x0350, "CKM_GENERIC_SECRET_KEY_GEN"},
    {0x1040, "CKM_EC_KEY_PAIR_GEN"},
    {0x1041, "CKM_ECDSA"},
    {0x1042, "CKM_ECDSA_SHA1"},
    {0x1043, "CKM_ECDSA_SHA224"},
    {0x1044, "CKM_ECDSA_SHA256"},
    {0x1045, "CKM_ECDSA_SHA384"},
    {0x1046, "CKM_ECDSA_SHA512"},
    {0x1050, "CKM_ECDH1_DERIVE"},
    {0x1053, "CKM_ECDH_AES_KEY_WRAP"},
    {0x1055, "CKM_EC_EDWARDS_KEY_PAIR_GEN"},
    {0x1056, "CKM_EC_MONTGOMERY_KEY_PAIR_GEN"},
    {0x1057, "CKM_EDDSA"},
    {0x1080, "CKM_AES_KEY_GEN"},
    {0x1081, "CKM_AES_ECB"},
    {0x1082, "CKM_AES_CBC"},
    {0x1083, "CKM_AES_MAC"},
    {0x1084, "CKM_AES_MAC_GENERAL"},
    {0x1085, "CKM_AES_CBC_PAD"},
    {0x1086, "CKM_AES_CTR"},
    {0x1087, "CKM_AES_GCM"},
    {0x1088, "CKM_AES_CCM"},
    {0x108A, "CKM_AES_CMAC"},
    {0x108B, "CKM_AES_CMAC_GENERAL"},
    {0x2109, "CKM_AES_KEY_WRAP"},
    {0x210A, "CKM_AES_KEY_WRAP_PAD"},
    {0x210B, "CKM_AES_KEY_WRAP_KWP"},
    {0x402A, "CKM_HKDF_DERIVE"},
    {0x402B, "CKM_HKDF_DATA"},
    {0x402C, "CKM_HKDF_KEY_GEN"},
};

template <std::size_t N>
std::string Lookup(const Named (&table)[N], unsigned long value, const char* prefix) {
  for (const Named& n : table) {
    if (n.value == value) return n.name;
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s0x%08lX", prefix, value);
  return buf;
}

class RvMatcher : public ::testing::MatcherInterface<CK_RV> {
 public:
  explicit RvMatcher(std::vector<CK_RV> accepted) : accepted_(std::move(accepted)) {}

  bool MatchAndExplain(CK_RV rv, ::testing::MatchResultListener* listener) const override {
    *listener << "which is " << RvName(rv);
    for (CK_RV a : accepted_) {
      if (a == rv) return true;
    }
    return false;
  }
  void DescribeTo(std::ostream* os) const override {
    *os << (accepted_.size() == 1 ? "is " : "is one of ");
    for (std::size_t i = 0; i < accepted_.size(); ++i) {
      *os << (i == 0 ? "" : ", ") << RvName(accepted_[i]);
    }
  }

 private:
  std::vector<CK_RV> accepted_;
};

}  // namespace

std::string RvName(CK_RV rv) { return Lookup(kRvs, rv, "CKR_"); }
std::string MechName(CK_MECHANISM_TYPE mechanism) { return Lookup(kMechs, mechanism, "CKM_"); }

::testing::Matcher<CK_RV> IsRv(CK_RV expected) {
  return ::testing::MakeMatcher(new RvMatcher({expected}));
}

::testing::Matcher<CK_RV> IsRvOneOf(std::initializer_list<CK_RV> accepted) {
  return ::testing::MakeMatcher(new RvMatcher(std::vector<CK_RV>(accepted)));
}

::testing::Matcher<CK_RV> IsRvOneOf(std::vector<CK_RV> accepted) {
  return ::testing::MakeMatcher(new RvMatcher(std::move(accepted)));
}

}  // namespace tessera::testing::conformance
