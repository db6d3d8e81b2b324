// `pkcs11-tool --keypairgen` for every key type PIV holds, each in its own
// slot; the new objects are checked through the module in-process and in
// pkcs11-tool's own listing.
#include <gtest/gtest.h>

#include <string>

#include "pkcs11/api/pkcs11_3_0.h"
#include "tests/integration/pkcs11/tool_fixture.hpp"

namespace tessera::testing {
namespace {

struct KeyCase {
  const char* name;
  const char* key_type;  // pkcs11-tool --key-type
  CK_BYTE id;            // 01 = 9A, 02 = 9C, 03 = 9D, 04 = 9E, 05 = 82
  CK_KEY_TYPE ck_type;
  const char* ec_params_hex;  // DER OID of the curve, or "" for RSA
  CK_ULONG modulus_bits;      // RSA only
  const char* listing;        // pkcs11-tool -O's line for the public key
};

const KeyCase kKeyCases[] = {
    {"P256", "EC:prime256v1", 0x01, CKK_EC, "06082a8648ce3d030107", 0,
     "Public Key Object; EC  EC_POINT 256 bits"},
    {"P384", "EC:secp384r1", 0x02, CKK_EC, "06052b81040022", 0,
     "Public Key Object; EC  EC_POINT 384 bits"},
    {"Rsa2048", "rsa:2048", 0x03, CKK_RSA, "", 2048, "Public Key Object; RSA 2048 bits"},
    {"Rsa3072", "rsa:3072", 0x04, CKK_RSA, "", 3072, "Public Key Object; RSA 3072 bits"},
    {"Ed25519", "EC:edwards25519", 0x05, CKK_EC_EDWARDS, "06032b6570", 0,
     "Public Key Object; EC_EDWARDS  EC_POINT 255 bits"},
};

std::string CaseName(const ::testing::TestParamInfo<KeyCase>& param) { return param.param.name; }

class ToolKeygenTest : public ToolTest, public ::testing::WithParamInterface<KeyCase> {};

TEST_P(ToolKeygenTest, GeneratesAKeyPairWithTheRequestedIdAndType) {
  const KeyCase& c = GetParam();
  ASSERT_NO_FATAL_FAILURE(GenerateKey(c.key_type, c.id));

  CommandResult listing = Tool({"-O", "--type", "pubkey"});
  ASSERT_EQ(listing.exit_code, 0) << listing.output;
  EXPECT_NE(listing.output.find(c.listing), std::string::npos) << listing.output;
  EXPECT_NE(listing.output.find("ID:         " + IdHex(c.id)), std::string::npos) << listing.output;

  // A new process reads the keys back from the card.
  InProcessToken token(run_dir(), true);
  ASSERT_TRUE(token.ok());
  std::vector<CK_OBJECT_HANDLE> privs = token.Find(CKO_PRIVATE_KEY, c.id);
  std::vector<CK_OBJECT_HANDLE> pubs = token.Find(CKO_PUBLIC_KEY, c.id);
  ASSERT_EQ(privs.size(), 1u);
  ASSERT_EQ(pubs.size(), 1u);
  for (CK_OBJECT_HANDLE key : {privs[0], pubs[0]}) {
    EXPECT_EQ(token.UlongAttribute(key, CKA_KEY_TYPE), c.ck_type);
    EXPECT_EQ(token.Attribute(key, CKA_LOCAL), Bytes{CK_TRUE}) << "generated on the card";
    EXPECT_EQ(token.UlongAttribute(key, CKA_KEY_GEN_MECHANISM),
              c.ck_type == CKK_RSA  ? CKM_RSA_PKCS_KEY_PAIR_GEN
              : c.ck_type == CKK_EC ? CKM_EC_KEY_PAIR_GEN
                                    : CKM_EC_EDWARDS_KEY_PAIR_GEN);
    if (c.ck_type == CKK_RSA) {
      EXPECT_EQ(token.UlongAttribute(key, CKA_MODULUS_BITS), c.modulus_bits);
    } else {
      auto params = token.Attribute(key, CKA_EC_PARAMS);
      ASSERT_TRUE(params.has_value());
      EXPECT_EQ(ToHex(*params), c.ec_params_hex);
    }
  }
  EXPECT_EQ(token.Attribute(privs[0], CKA_PUBLIC_KEY_INFO),
            token.Attribute(pubs[0], CKA_PUBLIC_KEY_INFO));
  EXPECT_EQ(token.Attribute(privs[0], CKA_SIGN), Bytes{CK_TRUE});
  EXPECT_EQ(token.Attribute(privs[0], CKA_SENSITIVE), Bytes{CK_TRUE});
  EXPECT_EQ(token.Attribute(privs[0], CKA_EXTRACTABLE), Bytes{CK_FALSE});
  // The 9C key asks for the PIN before each use (SP 800-73-4 Part 1 §3.2.2).
  EXPECT_EQ(token.Attribute(privs[0], CKA_ALWAYS_AUTHENTICATE),
            Bytes{static_cast<std::uint8_t>(c.id == 0x02 ? CK_TRUE : CK_FALSE)});
}

INSTANTIATE_TEST_SUITE_P(KeyTypes, ToolKeygenTest, ::testing::ValuesIn(kKeyCases), CaseName);

}  // namespace
}  // namespace tessera::testing
