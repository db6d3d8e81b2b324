#include "firmware-sim/os/sw_map.hpp"

#include <gtest/gtest.h>

namespace tessera::sim {
namespace {

TEST(StatusToSw, MapsEveryCodeToItsIso7816StatusWord) {
  const struct {
    Status status;
    std::uint16_t sw;
  } kTable[] = {
      {Status::Ok(), 0x9000},
      {Status::InvalidArgument("x"), 0x6A80},
      {Status::WrongLength("x"), 0x6700},
      {Status::NotFound("x"), 0x6A82},
      {Status::FunctionNotSupported("x"), 0x6A81},
      {Status::InsNotSupported("x"), 0x6D00},
      {Status::ClaNotSupported("x"), 0x6E00},
      {Status::IncorrectP1P2("x"), 0x6A86},
      {Status::SecurityStatus("x"), 0x6982},
      {Status::AuthBlocked("x"), 0x6983},
      {Status::PinIncorrect(3), 0x63C3},
      {Status::ConditionsNotSatisfied("x"), 0x6985},
      {Status::ReferenceNotFound("x"), 0x6A88},
      {Status::NoSpace("x"), 0x6A84},
      {Status::Corrupt("x"), 0x6F00},
      {Status::IoError("x"), 0x6F00},
      {Status::PowerLost(), 0x6F00},
      {Status::Internal("x"), 0x6F00},
  };
  for (const auto& row : kTable) {
    EXPECT_EQ(StatusToSw(row.status), row.sw) << row.status.ToString();
  }
}

TEST(StatusToSw, ClampsPinTriesToOneNibble) {
  EXPECT_EQ(StatusToSw(Status::PinIncorrect(0)), 0x63C0);
  EXPECT_EQ(StatusToSw(Status::PinIncorrect(15)), 0x63CF);
  EXPECT_EQ(StatusToSw(Status::PinIncorrect(16)), 0x63CF);
  EXPECT_EQ(StatusToSw(Status::PinIncorrect(-1)), 0x63C0);
}

}  // namespace
}  // namespace tessera::sim
