// RegFixture: a PIV token with the test issuer key embedded (cm/key/10, as
// the card manager's PUT KEY 10 leaves it) and its PIN verified, a
// RegGateway to play the other side, and the F3 commands as one-liners.
// Test-only; one test thread.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "common/piv/piv_constants.hpp"
#include "common/tlv.hpp"
#include "firmware-sim/applets/shared/issuer_key_record.hpp"
#include "tests/unit/firmware-sim/piv/piv_token.hpp"
#include "tests/unit/firmware-sim/piv/reg_gateway.hpp"

namespace tessera::sim::pivtest {

inline CommandApdu F3(std::uint8_t p1, std::uint8_t p2, Bytes data = {}) {
  return Apdu(piv::ins::kRegistration, p1, p2, std::move(data));
}

// Writes the issuer key record straight into the token's storage.
inline void EmbedIssuerKey(Storage& storage, ByteView point, std::uint8_t kvn = 0x01) {
  Transaction txn;
  PutIssuerKey(txn, IssuerKey{kvn, Bytes(point.begin(), point.end())});
  ASSERT_TRUE(storage.Commit(txn).ok());
}

// An answer split at its first TLV: the protocol message, then the rest.
struct Split {
  Bytes message;
  Bytes rest;
};
inline Split SplitFirst(ByteView data) {
  TlvReader reader(data);
  if (!reader.Next().ok()) return {};
  const std::size_t n = data.size() - reader.rest().size();
  return {Bytes(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n)),
          Bytes(reader.rest().begin(), reader.rest().end())};
}

class RegFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    EmbedIssuerKey(token_.storage(), gw_.IssuerPoint());
    token_.Select();
    token_.VerifyPin();
  }

  // REG BEGIN on a fresh hello (the good certificate unless given).
  ResponseApdu Begin(std::uint64_t host_time = kRegNow, Bytes certificate = {}) {
    return token_.Send(F3(0x01, 0x00, RegBeginData(gw_.Hello(std::move(certificate)), host_time)));
  }
  // The whole registration into `slot`; returns REG FINISH's answer.
  ResponseApdu Register(std::uint8_t slot = 0xFF, std::uint64_t host_time = kRegNow,
                        Bytes extra = {}) {
    ResponseApdu r1 = Begin(host_time);
    EXPECT_EQ(r1.sw, 0x9000) << "REG BEGIN";
    std::optional<Bytes> r2 = gw_.Answer(r1.data);
    if (!r2) return {{}, 0x0000};
    Append(*r2, extra);
    ResponseApdu r3 = token_.Send(F3(0x02, slot, *r2));
    if (r3.sw == 0x9000) {
      EXPECT_TRUE(gw_.CheckConfirm(SplitFirst(r3.data).message)) << "Mconf";
    }
    return r3;
  }
  // AUTH BEGIN and AUTH FINISH on `slot`; returns AUTH FINISH's answer.
  ResponseApdu Login(std::uint8_t slot) {
    ResponseApdu a1 = token_.Send(F3(0x03, slot));
    EXPECT_EQ(a1.sw, 0x9000) << "AUTH BEGIN";
    return token_.Send(F3(0x04, slot, gw_.Challenge(a1.data)));
  }
  // The F5 list (every secret key's metadata).
  std::string SecretKeys() { return ToHex(token_.Send(Apdu(0xF5, 0x00, 0x00)).data); }
  std::string Floor() {
    ResponseApdu s = token_.Send(F3(0x00, 0x00));
    EXPECT_EQ(s.sw, 0x9000);
    return s.data.size() >= 10 ? ToHex(ByteView(s.data).last(8)) : "<none>";
  }

  PivToken token_;
  RegGateway gw_;
};

}  // namespace tessera::sim::pivtest
