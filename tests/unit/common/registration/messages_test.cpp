// The registration messages (common/registration/messages.hpp): each one
// round-trips byte for byte, one is pinned, and every way a message can be
// malformed is refused with the message and the field named.
#include "common/registration/messages.hpp"

#include <gtest/gtest.h>

#include <string>

#include "common/tlv.hpp"

namespace tessera::registration {
namespace {

Bytes Filled(std::uint8_t value, std::size_t size) {
  Bytes filled(size, value);
  return filled;
}
Bytes Point(std::uint8_t fill) {
  Bytes p = Filled(fill, kPointSize);
  p[0] = 0x04;
  return p;
}
Bytes Tlv(std::uint8_t tag, ByteView value) { return EncodeTlv(tag, value); }
Bytes Join(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) Append(out, p);
  return out;
}
std::string MessageOf(const Status& s) { return s.message(); }

RegHello SampleHello() {
  return {Filled(0x30, 300), Filled(0x01, 32), Filled(0x02, 32), 0x0000000065A1B2C3ULL,
          Filled(0x03, 16)};
}
AuthChallenge SampleChallenge() {
  return {Filled(0x0C, 16), Filled(0x0D, 32), Point(0x0E), Filled(0x0F, 32)};
}

TEST(RegistrationMessages, EachMessageRoundTripsByteForByte) {
  const RegHello hello = SampleHello();
  const Bytes r0 = Encode(hello);
  auto back = DecodeRegHello(r0);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->certificate, hello.certificate);
  EXPECT_EQ(back->server_time, hello.server_time);
  EXPECT_EQ(Encode(*back), r0);

  const RegRequest request{Point(0x11), Filled(0x12, 100)};
  EXPECT_EQ(Encode(DecodeRegRequest(Encode(request)).value()), Encode(request));
  const RegAnswer answer{Filled(0x13, 80)};
  EXPECT_EQ(Encode(DecodeRegAnswer(Encode(answer)).value()), Encode(answer));
  const AuthHello auth{"UABCDEFGH234567", Filled(0x14, 32), Point(0x15)};
  auto auth_back = DecodeAuthHello(Encode(auth));
  ASSERT_TRUE(auth_back.ok()) << auth_back.status().ToString();
  EXPECT_EQ(auth_back->uidc, auth.uidc);
  const AuthChallenge challenge = SampleChallenge();
  auto challenge_back = DecodeAuthChallenge(Encode(challenge));
  ASSERT_TRUE(challenge_back.ok()) << challenge_back.status().ToString();
  EXPECT_EQ(challenge_back->mac, challenge.mac);
  EXPECT_EQ(Encode(challenge), Join({EncodeChallengeBody(challenge), Tlv(0x91, challenge.mac)}));
  const AuthFinish finish{Filled(0x16, 32)};
  EXPECT_EQ(Encode(DecodeAuthFinish(Encode(finish)).value()), Encode(finish));

  const RequestSecrets secrets{SecureBytes(Filled(0x17, 32)), Filled(0x18, 200)};
  auto secrets_back = DecodeRequestSecrets(Encode(secrets).view());
  ASSERT_TRUE(secrets_back.ok()) << secrets_back.status().ToString();
  EXPECT_EQ(secrets_back->user_info, secrets.user_info);
  const AnswerSecrets with_path{SecureBytes(Filled(0x19, 32)), "UABCDEFGH", "/app/echo"};
  auto answer_back = DecodeAnswerSecrets(Encode(with_path).view());
  ASSERT_TRUE(answer_back.ok()) << answer_back.status().ToString();
  EXPECT_EQ(answer_back->access_path, "/app/echo");
  const AnswerSecrets without_path{SecureBytes(Filled(0x19, 32)), "UABCDEFGH", ""};
  EXPECT_TRUE(DecodeAnswerSecrets(Encode(without_path).view()).ok());
}

TEST(RegistrationMessages, TheConfirmationIsPinned) {
  const RegConfirm confirm{Filled(0xAB, 32)};
  const Bytes expected = Join({Bytes{0xE4, 0x22, 0x8D, 0x20}, Filled(0xAB, 32)});
  EXPECT_EQ(Encode(confirm), expected);
  // The server time is eight bytes, big-endian.
  const Bytes r0 = Encode(SampleHello());
  const Bytes time = {0x82, 0x08, 0x00, 0x00, 0x00, 0x00, 0x65, 0xA1, 0xB2, 0xC3};
  EXPECT_NE(std::search(r0.begin(), r0.end(), time.begin(), time.end()), r0.end());
}

TEST(RegistrationMessages, MissingRepeatedUnknownAndMisplacedFieldsAreNamed) {
  const Bytes mac = Filled(0x01, 32), nonce = Filled(0x02, 32), point = Point(0x03);
  const std::string uidc = "UABCDEFGH";
  auto hello = [&](std::initializer_list<ByteView> fields) {
    return DecodeAuthHello(Tlv(0xE5, Join(fields)));
  };
  const Bytes f_uidc = Tlv(0x8A, AsBytes(uidc)), f_nonce = Tlv(0x8E, nonce),
              f_point = Tlv(0x86, point);
  ASSERT_TRUE(hello({f_uidc, f_nonce, f_point}).ok());
  auto missing = hello({f_uidc, f_point});
  EXPECT_EQ(missing.status().code(), Code::kInvalidArgument);
  EXPECT_NE(MessageOf(missing.status()).find("no client nonce"), std::string::npos)
      << missing.status().ToString();
  EXPECT_NE(MessageOf(missing.status()).find("A1"), std::string::npos);
  auto repeated = hello({f_uidc, f_nonce, f_nonce, f_point});
  EXPECT_NE(MessageOf(repeated.status()).find("repeated"), std::string::npos)
      << repeated.status().ToString();
  auto swapped = hello({f_nonce, f_uidc, f_point});
  EXPECT_EQ(swapped.status().code(), Code::kInvalidArgument);
  auto unknown = hello({f_uidc, f_nonce, f_point, Tlv(0x99, mac)});
  EXPECT_NE(MessageOf(unknown.status()).find("tag 99"), std::string::npos)
      << unknown.status().ToString();
  auto last_missing = hello({f_uidc, f_nonce});
  EXPECT_NE(MessageOf(last_missing.status()).find("no ephemeral key"), std::string::npos);
}

TEST(RegistrationMessages, LengthsTrailingBytesAndLongFormsAreRefused) {
  const Bytes good = Encode(RegConfirm{Filled(0x01, 32)});
  // A MAC of 31 bytes.
  auto short_mac = DecodeRegConfirm(Tlv(0xE4, Tlv(0x8D, Filled(0x01, 31))));
  EXPECT_NE(MessageOf(short_mac.status()).find("confirmation MAC is 31 bytes, not 32"),
            std::string::npos)
      << short_mac.status().ToString();
  // A byte after the message, and a byte after the last field.
  EXPECT_EQ(DecodeRegConfirm(Join({good, Bytes{0x00}})).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(
      DecodeRegConfirm(Tlv(0xE4, Join({Tlv(0x8D, Filled(0x01, 32)), Bytes{0x00}}))).status().code(),
      Code::kInvalidArgument);
  // Another message's tag.
  auto other = DecodeRegConfirm(Tlv(0xE7, Tlv(0x8D, Filled(0x01, 32))));
  EXPECT_EQ(other.status().code(), Code::kInvalidArgument);
  // The same fields with a length in the long form: not canonical, because
  // the transcript hashes the exact bytes.
  const Bytes long_form = Join({Bytes{0xE4, 0x81, 0x22}, Tlv(0x8D, Filled(0x01, 32))});
  auto relaxed = DecodeRegConfirm(long_form);
  EXPECT_NE(MessageOf(relaxed.status()).find("canonical"), std::string::npos)
      << relaxed.status().ToString();
  // Truncated anywhere.
  for (std::size_t cut = 0; cut < good.size(); ++cut) {
    const Bytes truncated(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut));
    EXPECT_FALSE(DecodeRegConfirm(truncated).ok()) << cut;
  }
}

TEST(RegistrationMessages, PointsCodesAndPathsAreChecked) {
  Bytes compressed = Point(0x03);
  compressed[0] = 0x02;
  auto request = DecodeRegRequest(Encode(RegRequest{compressed, Filled(0x01, 40)}));
  EXPECT_NE(MessageOf(request.status()).find("uncompressed point"), std::string::npos)
      << request.status().ToString();
  for (const std::string bad :
       {"UABCDEF", "UABCDEFG1", "uabcdefgh", "UABCDEFGH89", "UABCDEFGHIJKLMNOPQRSTUVWXYZ23"}) {
    EXPECT_FALSE(IsValidUidc(bad)) << bad;
    EXPECT_FALSE(DecodeAuthHello(Encode(AuthHello{bad, Filled(0x01, 32), Point(0x02)})).ok())
        << bad;
  }
  EXPECT_TRUE(IsValidUidc("UABCDEFGH234567"));
  const Bytes ssk2 = Tlv(0x8B, Filled(0x01, 32)), code = Tlv(0x8A, AsBytes("UABCDEFGH"));
  EXPECT_FALSE(DecodeAnswerSecrets(Join({ssk2, code, Tlv(0x8C, AsBytes("/a b"))})).ok());
  EXPECT_FALSE(DecodeAnswerSecrets(Join({ssk2, code, Tlv(0x8C, Bytes{})})).ok());
  EXPECT_TRUE(DecodeAnswerSecrets(Join({ssk2, code, Tlv(0x8C, AsBytes("/app/x"))})).ok());
}

TEST(RegistrationMessages, TheChallengeIsItsBodyThenExactlyOneServerMac) {
  const AuthChallenge challenge = SampleChallenge();
  const Bytes body = EncodeChallengeBody(challenge);
  const Bytes mac = Tlv(0x91, challenge.mac);
  EXPECT_FALSE(DecodeAuthChallenge(body).ok());  // no MAC
  auto twice = DecodeAuthChallenge(Join({body, mac, mac}));
  EXPECT_EQ(twice.status().code(), Code::kInvalidArgument);
  auto mac_first = DecodeAuthChallenge(Join({mac, body}));
  EXPECT_NE(MessageOf(mac_first.status()).find("not E6"), std::string::npos)
      << mac_first.status().ToString();
  auto client_mac = DecodeAuthChallenge(Join({body, Tlv(0x92, challenge.mac)}));
  EXPECT_EQ(client_mac.status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::registration
