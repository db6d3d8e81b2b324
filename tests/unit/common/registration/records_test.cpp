// Session records (common/registration/records.hpp): a sealed record opens
// only under its own key, direction, sequence number and AAD, and the AAD
// layouts are the documented bytes.
#include "common/registration/records.hpp"

#include <gtest/gtest.h>

namespace tessera::registration {
namespace {

const Bytes kSessionId(16, 0x5A);

SecureBytes Key(Direction d) {
  const Bytes ses(32, 0x11);
  Result<SecureBytes> key = RecordKey(ses, d);
  EXPECT_TRUE(key.ok());
  return std::move(*key);
}

TEST(RegistrationRecords, AadLayoutsAreTheDocumentedBytes) {
  const Bytes request = RequestAad(Bytes{1, 2}, 0x0102030405060708ULL, "POST", "/app/echo");
  Bytes expected = {'T', 'S', 'S', '1', 1, 2, 1, 2, 3, 4, 5, 6, 7, 8, 'P', 'O', 'S', 'T', 0};
  Append(expected, AsBytes("/app/echo"));
  EXPECT_EQ(request, expected);
  const Bytes response = ResponseAad(Bytes{9}, 1, 403);
  EXPECT_EQ(response, (Bytes{'T', 'S', 'S', '1', 9, 0, 0, 0, 0, 0, 0, 0, 1, 0x01, 0x93}));
}

TEST(RegistrationRecords, RoundTripAndEveryBindingCounts) {
  const SecureBytes c2s = Key(Direction::kClientToServer);
  const SecureBytes s2c = Key(Direction::kServerToClient);
  const Bytes aad = RequestAad(kSessionId, 3, "POST", "/reg/sessions/x/entitlements");
  const ByteView body_view = AsBytes("{\"user_id_code\":\"UABCDEFGHIJKLMNO\"}");
  const Bytes body(body_view.begin(), body_view.end());
  Result<Bytes> sealed = SealRecord(c2s.view(), Direction::kClientToServer, 3, aad, body);
  ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
  Result<SecureBytes> opened = OpenRecord(c2s.view(), Direction::kClientToServer, 3, aad, *sealed);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(Bytes(opened->view().begin(), opened->view().end()), body);

  EXPECT_EQ(OpenRecord(s2c.view(), Direction::kClientToServer, 3, aad, *sealed).status().code(),
            Code::kSignatureInvalid);
  EXPECT_EQ(OpenRecord(c2s.view(), Direction::kServerToClient, 3, aad, *sealed).status().code(),
            Code::kSignatureInvalid);
  EXPECT_EQ(OpenRecord(c2s.view(), Direction::kClientToServer, 4, aad, *sealed).status().code(),
            Code::kSignatureInvalid);
  const Bytes other_path = RequestAad(kSessionId, 3, "POST", "/app/echo");
  EXPECT_EQ(
      OpenRecord(c2s.view(), Direction::kClientToServer, 3, other_path, *sealed).status().code(),
      Code::kSignatureInvalid);
  Bytes flipped = *sealed;
  flipped[0] ^= 1;
  EXPECT_EQ(OpenRecord(c2s.view(), Direction::kClientToServer, 3, aad, flipped).status().code(),
            Code::kSignatureInvalid);
}

TEST(RegistrationRecords, BadInputsAreInvalidArguments) {
  const SecureBytes c2s = Key(Direction::kClientToServer);
  EXPECT_EQ(SealRecord(c2s.view(), Direction::kClientToServer, 0, {}, {}).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(SealRecord(Bytes(16, 0), Direction::kClientToServer, 1, {}, {}).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(OpenRecord(c2s.view(), Direction::kClientToServer, 1, {}, Bytes(15, 0)).status().code(),
            Code::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::registration
