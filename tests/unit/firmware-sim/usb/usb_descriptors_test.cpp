#include "firmware-sim/usb/usb_descriptors.hpp"

#include <gtest/gtest.h>

namespace tessera::sim::usb {
namespace {

TEST(UsbDescriptors, DeviceDescriptorCarriesTheTesseraVidPidAndStrings) {
  // USB 2.0 §9.6.1: bcdUSB 2.00, class per interface, EP0 64 bytes,
  // 1209:7e55, bcdDevice 1.00, strings 1/2/3, one configuration.
  EXPECT_EQ(ToHex(DeviceDescriptor()),
            "120100020000004009125"
            "57e0001010203"
            "01");
}

TEST(UsbDescriptors, CcidClassDescriptorIsTheSpecLayoutWithYubiKeyLikeFields) {
  EXPECT_EQ(ToHex(CcidClassDescriptor()),
            "3621"  // bLength 54, CCID functional descriptor
            "1001"  // bcdCCID 1.10
            "00"
            "07"        // one slot; 5 V, 3 V, 1.8 V
            "02000000"  // dwProtocols: T=1
            "a00f0000"  // dwDefaultClock 4000 kHz
            "a00f0000"  // dwMaximumClock
            "00"        // bNumClockSupported
            "002a0000"  // dwDataRate 10752
            "b4c40400"  // dwMaxDataRate 312500
            "00"        // bNumDataRatesSupported
            "fe000000"  // dwMaxIFSD 254
            "00000000"  // dwSynchProtocols
            "00000000"  // dwMechanical
            "fe000400"  // dwFeatures: automatic everything, extended APDU level
            "000c0000"  // dwMaxCCIDMessageLength 3072
            "ff"
            "ff"    // bClassGetResponse, bClassEnvelope
            "0000"  // wLcdLayout
            "00"
            "01");  // bPINSupport, bMaxCCIDBusySlots
}

TEST(UsbDescriptors, ConfigurationHoldsOneCcidInterfaceWithThreeEndpoints) {
  Bytes config = ConfigurationDescriptor();
  ASSERT_EQ(config.size(), 9u + 9u + 54u + 3 * 7u);
  std::string hex = ToHex(config);
  EXPECT_EQ(hex.substr(0, 18), "09025d000101008032") << "wTotalLength 93, bus powered, 100 mA";
  EXPECT_EQ(hex.substr(18, 18),
            "090400000"
            "30b000000")
      << "interface 0, 3 endpoints, class 0B";
  EXPECT_EQ(hex.substr(36, 108), ToHex(CcidClassDescriptor()));
  EXPECT_EQ(hex.substr(144),
            "07050102400000"
            "07058202400000"
            "07058303080020")
      << "bulk-OUT 01, bulk-IN 82 (64 bytes), interrupt-IN 83 (8 bytes, 32 ms)";
}

TEST(UsbDescriptors, StringsAreUtf16WithEnglishAsTheOnlyLanguage) {
  EXPECT_EQ(ToHex(*StringDescriptor(0, "1")), "04030904");
  EXPECT_EQ(ToHex(*StringDescriptor(1, "1")), "10035400650073007300650072006100");
  EXPECT_EQ(ToHex(*StringDescriptor(3, "42")), "060334003200");
  EXPECT_FALSE(StringDescriptor(4, "42").has_value());
}

TEST(UsbDescriptors, SysfsDescriptorsAreDeviceThenConfiguration) {
  EXPECT_EQ(SysfsDescriptors(), Concat({DeviceDescriptor(), ConfigurationDescriptor()}));
}

}  // namespace
}  // namespace tessera::sim::usb
