// GET DATA (INS CB) and PUT DATA (INS DB), and the objects manufacture writes.
#include <gtest/gtest.h>

#include "common/tlv.hpp"
#include "tests/unit/firmware-sim/piv/piv_token.hpp"

namespace tessera::sim::pivtest {
namespace {

bool HasPrefixAndSuffix(ByteView data, std::string_view prefix, std::string_view suffix,
                        std::size_t size) {
  std::string hex = ToHex(data);
  return data.size() == size && hex.starts_with(prefix) && hex.ends_with(suffix);
}

TEST(PivGetData, TableOfEveryOutcome) {
  PivToken token;
  token.Run({
      {"discovery object is returned as itself", "00cb3fff035c017e",
       "7e124f0ba0000003080000100001005f2f024000"},
      {"P1 P2 not 3FFF", "00cb3ffe035c017e", "", 0x6A86},
      {"P1 P2 zero", "00cb0000035c017e", "", 0x6A86},
      {"no data", "00cb3fff", "", 0x6A80},
      {"empty tag list", "00cb3fff025c00", "", 0x6A80},
      {"4-byte tag", "00cb3fff065c045fc10501", "", 0x6A80},
      {"wrong wrapper tag", "00cb3fff0353017e", "", 0x6A80},
      {"trailing byte after 5C", "00cb3fff045c017e00", "", 0x6A80},
      {"unknown 3-byte tag", "00cb3fff055c035fc1ff", "", 0x6A82},
      {"unknown 1-byte tag", "00cb3fff035c0199", "", 0x6A82},
      {"known but empty 9A certificate", "00cb3fff055c035fc105", "", 0x6A82},
      {"known but empty key history", "00cb3fff055c035fc10c", "", 0x6A82},
      {"known but empty BIT group template", "00cb3fff045c027f61", "", 0x6A82},
      {"known but empty YubiKey admin data", "00cb3fff055c035fff00", "", 0x6A82},
      {"printed information needs the PIN", "00cb3fff055c035fc109", "", 0x6982},
      {"fingerprints need the PIN", "00cb3fff055c035fc103", "", 0x6982},
      {"facial image needs the PIN", "00cb3fff055c035fc108", "", 0x6982},
      {"iris needs the PIN", "00cb3fff055c035fc121", "", 0x6982},
      {"attestation certificate is readable", "00cb3fff055c035fff01", "", 0x9000,
       [](ByteView d) { return d.size() > 200 && d[0] == 0x53; }},
  });
  token.VerifyPin();
  token.Run({{"printed information, PIN verified, empty", "00cb3fff055c035fc109", "", 0x6A82}});
}

// yubico-piv-tool set-chuid: FASC-N, random GUID, expiry 20301231, empty
// signature and LRC.
TEST(PivGetData, ManufactureWroteAChuidWithARandomGuid) {
  PivToken token;
  token.Run({{"CHUID", "00cb3fff055c035fc102", "", 0x9000, [](ByteView d) {
                return HasPrefixAndSuffix(
                    d, "533b3019d4e739da739ced39ce739d836858210842108421c84210c3eb3410",
                    "350832303330313233313e00fe00", 61);
              }}});
  PivToken other(2);
  EXPECT_NE(ToHex(token.Send("00cb3fff055c035fc102").data),
            ToHex(other.Send("00cb3fff055c035fc102").data));
}

// yubico-piv-tool set-ccc: GSC-RID card identifier and fixed version fields.
TEST(PivGetData, ManufactureWroteACcc) {
  PivToken token;
  token.Run({{"CCC", "00cb3fff055c035fc107", "", 0x9000, [](ByteView d) {
                return HasPrefixAndSuffix(
                    d, "5333f015a000000116ff02",
                    "f10121f20121f300f40100f50110f600f700fa00fb00fc00fd00fe00", 53);
              }}});
}

TEST(PivPutData, TableOfEveryOutcome) {
  PivToken token;
  token.Run({
      {"needs the management key", "00db3fff0a5c035fc1055303010203", "", 0x6982},
  });
  token.AuthenticateManagementKey();
  token.Run({
      {"P1 P2 not 3FFF", "00db3ffe0a5c035fc1055303010203", "", 0x6A86},
      {"writes the 9A certificate", "00db3fff0a5c035fc1055303010203", ""},
      {"reads it back", "00cb3fff055c035fc105", "5303010203"},
      {"unknown tag", "00db3fff095c0299995303010203", "", 0x6A80},
      {"unknown 1-byte tag", "00db3fff085c01995303010203", "", 0x6A80},
      {"discovery is read-only", "00db3fff085c017e5303010203", "", 0x6A81},
      {"missing 53", "00db3fff055c035fc105", "", 0x6A80},
      {"53 before 5C", "00db3fff0a53030102035c035fc105", "", 0x6A80},
      {"extra TLV", "00db3fff0c5c035fc10553030102030100", "", 0x6A80},
      {"empty tag list", "00db3fff075c005303010203", "", 0x6A80},
      {"overwrites", "00db3fff085c035fc1055301ff", ""},
      {"reads the new value", "00cb3fff055c035fc105", "5301ff"},
      {"empty 53 deletes", "00db3fff075c035fc1055300", ""},
      {"deleted object is not found", "00cb3fff055c035fc105", "", 0x6A82},
      {"deleting an absent object is fine", "00db3fff075c035fc1055300", ""},
      {"first retired certificate", "00db3fff085c035fc10d5301aa", ""},
      {"last retired certificate", "00db3fff085c035fc1205301bb", ""},
      {"BIT group template", "00db3fff075c027f615301cc", ""},
      {"read first retired", "00cb3fff055c035fc10d", "5301aa"},
      {"read last retired", "00cb3fff055c035fc120", "5301bb"},
      {"read BIT group template", "00cb3fff045c027f61", "5301cc"},
      {"printed information", "00db3fff085c035fc1095301dd", ""},
      {"printed information still needs the PIN", "00cb3fff055c035fc109", "", 0x6982},
  });
  token.VerifyPin();
  token.Run({{"printed information with the PIN", "00cb3fff055c035fc109", "5301dd"}});
}

TEST(PivPutData, AcceptsSixteenKibAndRefusesMore) {
  PivToken token;
  token.AuthenticateManagementKey();
  auto put = [&](std::size_t size) {
    Bytes data = Concat({HexOrDie("5c035fc10a"), EncodeTlv(0x53, Bytes(size, 0x42))});
    return token.Send(Apdu(0xDB, 0x3F, 0xFF, data));
  };
  constexpr std::size_t kLimit = 16384;
  EXPECT_EQ(put(kLimit + 1).sw, 0x6A84);
  EXPECT_EQ(token.Send("00cb3fff055c035fc10a").sw, 0x6A82);
  EXPECT_EQ(put(kLimit).sw, 0x9000);
  ResponseApdu r = token.Send("00cb3fff055c035fc10a");
  EXPECT_EQ(r.sw, 0x9000);
  EXPECT_EQ(ToHex(r.data), ToHex(EncodeTlv(0x53, Bytes(kLimit, 0x42))));
}

}  // namespace
}  // namespace tessera::sim::pivtest
