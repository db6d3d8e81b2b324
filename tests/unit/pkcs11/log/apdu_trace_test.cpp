// APDU traces: tables of APDU bytes -> expected description, and a sweep that
// no secret-bearing field ever reaches the text.
#include "pkcs11/core/log/apdu_trace.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace tessera::p11::log {
namespace {

struct CommandRow {
  const char* apdu;
  const char* description;
};

TEST(DescribeCommandApdu, NamesTheInstructionAndRedactsSecrets) {
  const CommandRow rows[] = {
      // VERIFY "123456" (SP 800-73-4 Part 2 §3.2.1): the PIN is hidden.
      {"0020008008313233343536ffff", "00 20 00 80 VERIFY Lc=8 data=<8 bytes redacted>"},
      {"00200080", "00 20 00 80 VERIFY"},
      {"002000ff", "00 20 00 ff VERIFY"},
      // SELECT PIV, data and Le shown.
      {"00a4040009a00000030800001000", "00 a4 04 00 SELECT Lc=9 data=a00000030800001000"},
      {"00a4040009a0000003080000100000", "00 a4 04 00 SELECT Lc=9 data=a00000030800001000 Le=256"},
      // GET DATA names its object.
      {"00cb3fff055c035fc10500", "00 cb 3f ff GET DATA object=5fc105 Lc=5 data=5c035fc105 Le=256"},
      {"00cb3fff035c017e00", "00 cb 3f ff GET DATA object=7e Lc=3 data=5c017e Le=256"},
      // GENERAL AUTHENTICATE: a signature's input is shown, the management key's exchange not.
      {"0087119a047c02820000", "00 87 11 9a GENERAL AUTHENTICATE Lc=4 data=7c028200 Le=256"},
      {"0087039b047c028000", "00 87 03 9b GENERAL AUTHENTICATE Lc=4 data=<4 bytes redacted>"},
      // PUT DATA: an ordinary object is shown, the printed information is not.
      {"00db3fff095c035fc10753020102",
       "00 db 3f ff PUT DATA object=5fc107 Lc=9 data=5c035fc10753020102"},
      {"00db3fff095c035fc10953020102",
       "00 db 3f ff PUT DATA object=5fc109 Lc=9 data=<9 bytes redacted>"},
      // A chain link does not hold a whole `5C tag 53 value`: hidden.
      {"10db3fff085c035fc105538201",
       "10 db 3f ff PUT DATA chained object=5fc105 Lc=8 data=<8 bytes redacted>"},
      {"00db3fff04a1b2c3d4", "00 db 3f ff PUT DATA Lc=4 data=<4 bytes redacted>"},
      {"00f700009a", "00 f7 00 00 GET METADATA Le=154"},
      {"00fd0000", "00 fd 00 00 GET VERSION"},
      // An instruction the table does not know, or a proprietary class: hidden.
      {"0012000003aabbcc", "00 12 00 00 Lc=3 data=<3 bytes redacted>"},
      {"80cb3fff055c035fc105", "80 cb 3f ff Lc=5 data=<5 bytes redacted>"},
      // Extended length.
      {"00cb3fff0000055c035fc1050000",
       "00 cb 3f ff GET DATA object=5fc105 extended Lc=5 data=5c035fc105 Le=65536"},
      // Malformed: the header only.
      {"002000800531323334", "00 20 00 80 VERIFY <malformed body, 5 bytes redacted>"},
      {"0020", "<malformed command, 2 bytes redacted>"},
      {"", "<malformed command, 0 bytes redacted>"},
  };
  for (const CommandRow& row : rows) {
    EXPECT_EQ(DescribeCommandApdu(HexOrDie(row.apdu)), row.description) << row.apdu;
  }
}

struct ExchangeRow {
  const char* command;
  const char* response_data;
  const char* sw;
  const char* response_description;
};

TEST(DescribeExchange, ShowsResponseDataOnlyWhenItCannotBeSecret) {
  const ExchangeRow rows[] = {
      {"00cb3fff055c035fc10500", "5303010203", "9000", "SW=9000 data=5303010203"},
      {"00a4040009a00000030800001000", "61024f00", "9000", "SW=9000 data=61024f00"},
      {"00fd0000", "050702", "9000", "SW=9000 data=050702"},
      {"00200080", "", "63c2", "SW=63c2"},
      // The printed information may hold a YubiKey PIN-protected management key.
      {"00cb3fff055c035fc10900", "5303888101", "9000", "SW=9000 data=<5 bytes redacted>"},
      // Signatures, decryptions and key agreements look alike: all hidden.
      {"0087119d067c048200850000", "7c03820101", "9000", "SW=9000 data=<5 bytes redacted>"},
      {"0087039b047c028000", "7c0a80080102030405060708", "9000",
       "SW=9000 data=<12 bytes redacted>"},
      // GET RESPONSE continues a response the trace cannot see.
      {"00c0000000", "aabbcc", "9000", "SW=9000 data=<3 bytes redacted>"},
      {"0012000000", "aabbcc", "9000", "SW=9000 data=<3 bytes redacted>"},
      {"00cb3fff055c035fc10500", "", "90", "<malformed response, 1 byte redacted>"},
  };
  for (const ExchangeRow& row : rows) {
    const Bytes response = HexOrDie(std::string(row.response_data) + row.sw);
    const std::string text = DescribeExchange(HexOrDie(row.command), response);
    const std::string expected =
        DescribeCommandApdu(HexOrDie(row.command)) + " -> " + row.response_description;
    EXPECT_EQ(text, expected) << row.command;
  }
}

TEST(DescribeResponseApdu, ShowsOnlyTheStatusWordAndLength) {
  EXPECT_EQ(DescribeResponseApdu(HexOrDie("9000")), "SW=9000");
  EXPECT_EQ(DescribeResponseApdu(HexOrDie("53030102036100")), "SW=6100 data=<5 bytes redacted>");
  EXPECT_EQ(DescribeResponseApdu(HexOrDie("90")), "<malformed response, 1 byte redacted>");
}

TEST(DescribeExchange, ShortensLongData) {
  Bytes response(302, 0xab);  // 300 data bytes, then SW 9000
  response[300] = 0x90;
  response[301] = 0x00;
  const std::string text = DescribeExchange(HexOrDie("00cb3fff055c035fc10500"), response);
  EXPECT_NE(text.find("data=" + ToHex(Bytes(128, 0xab)) + "...(300 bytes)"), std::string::npos)
      << text;
}

// Each command is `before || secret || after`, with the secret where a PIN,
// key or key material goes. Response data is covered by the table above.
struct SecretRow {
  const char* what;
  const char* before;
  std::size_t secret_bytes;
  const char* after;
};

// A recognizable secret of `n` bytes: de ad be ef ca fe f0 0d, repeated.
std::string SecretHex(std::size_t n) {
  static constexpr std::string_view kPattern = "deadbeefcafef00d";
  std::string hex;
  while (hex.size() < 2 * n) hex += kPattern;
  return hex.substr(0, 2 * n);
}

TEST(DescribeCommandApdu, NeverShowsASecretField) {
  const SecretRow rows[] = {
      {"VERIFY PIN", "0020008008", 8, ""},
      {"VERIFY PUK", "0020008108", 8, ""},
      {"CHANGE REFERENCE DATA", "0024008010", 16, ""},
      {"RESET RETRY COUNTER", "002c008010", 16, ""},
      {"GA 9B mutual, witness", "0087039b167c148008", 8, "81080102030405060708"},
      {"GA 9B external, response", "0087039b0c7c0a8208", 8, ""},
      {"IMPORT KEY P-256", "00fe119a220620", 32, ""},
      {"IMPORT KEY, malformed", "00fe119a220620", 32, "0000"},
      {"IMPORT KEY chain link", "10fe079a080106", 6, ""},
      {"SET MANAGEMENT KEY", "00ffffff1b039b18", 24, ""},
      {"Tessera F2", "00f2009a10", 16, ""},
      {"Tessera F4", "00f4000010", 16, ""},
      {"Tessera F5", "00f5000010", 16, ""},
      {"PUT DATA printed information", "00db3fff0f5c035fc1095308", 8, "00"},
      {"proprietary class", "8020008008", 8, ""},
  };
  const std::string secret_start = SecretHex(4);
  for (const SecretRow& row : rows) {
    const Bytes apdu = HexOrDie(row.before + SecretHex(row.secret_bytes) + row.after);
    for (const std::string& text :
         {DescribeCommandApdu(apdu), DescribeExchange(apdu, HexOrDie("9000"))}) {
      EXPECT_EQ(text.find(secret_start), std::string::npos) << row.what << ": " << text;
      EXPECT_NE(text.find("redacted"), std::string::npos) << row.what << ": " << text;
      // Only the row meant to be malformed takes the malformed path.
      EXPECT_EQ(text.find("malformed") != std::string::npos,
                std::string_view(row.what).find("malformed") != std::string_view::npos)
          << row.what << ": " << text;
    }
  }
}

}  // namespace
}  // namespace tessera::p11::log
