// UsbCcidTransport against the firmware-sim CCID model, through libusb and
// umockdev's emulated usbfs (umockdev_ccid_device.hpp): listing, opening,
// a PIV signature checked with OpenSSL, hot unplug, and stalls and silence
// that must end in an error within the transport's timeout.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "common/piv/piv_constants.hpp"
#include "host/card/piv_client.hpp"
#include "host/transport/usb/usb_ccid_transport.hpp"
#include "host/transport/usb/usb_hotplug_watcher.hpp"
#include "tests/hil/usb/umockdev_ccid_device.hpp"
#include "tests/support/test_token.hpp"

namespace tessera::testing {
namespace {

using host::UsbCcidTransport;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

class UsbCcidHil : public ::testing::Test {
 protected:
  void Plug(sim::usb::CcidDevice::Options options = {}) {
    device_ = std::make_unique<UmockdevCcidDevice>(token_.get(), options);
    ASSERT_TRUE(device_->ok()) << "umockdev testbed setup failed";
    auto context = host::UsbContext::Create();
    ASSERT_TRUE(context.ok()) << context.status().ToString();
    context_ = std::move(context).value();
  }

  std::unique_ptr<UsbCcidTransport> Open(milliseconds timeout = milliseconds(5000)) {
    auto list = host::ListUsbCcidDevices(*context_);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    if (!list.ok() || list->size() != 1) return nullptr;
    auto transport = UsbCcidTransport::Open(*context_, list->front(), {.timeout = timeout});
    EXPECT_TRUE(transport.ok()) << transport.status().ToString();
    return transport.ok() ? std::move(transport).value() : nullptr;
  }

  static Bytes SelectPiv() { return HexOrDie("00a4040005a000000308"); }

  TestToken token_;
  // Destroyed in reverse: transports and context before the testbed.
  std::unique_ptr<UmockdevCcidDevice> device_;
  std::unique_ptr<host::UsbContext> context_;
};

TEST_F(UsbCcidHil, ListsTheTokenWithItsPortKeyIdsAndStrings) {
  ASSERT_NO_FATAL_FAILURE(Plug());
  auto list = host::ListUsbCcidDevices(*context_);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  const host::UsbCcidDevice& d = list->front();
  EXPECT_EQ(d.key, "usb:1-1:0") << "bus 1, port 1, interface 0";
  EXPECT_EQ(d.vid, 0x1209);
  EXPECT_EQ(d.pid, 0x7E55);
  EXPECT_EQ(d.bus, 1);
  EXPECT_EQ(d.address, 2);
  EXPECT_EQ(d.serial, "12345678");
  EXPECT_EQ(d.product, "Tessera PIV Token");
}

TEST_F(UsbCcidHil, OpensAndSignsWithAP256KeyThatOpenSslVerifies) {
  ASSERT_NO_FATAL_FAILURE(Plug());
  auto transport = Open();
  ASSERT_NE(transport, nullptr);
  EXPECT_FALSE(device_->kernel_driver_attached()) << "detached while the interface is claimed";
  EXPECT_EQ(device_->claims(), 1);
  EXPECT_EQ(ToHex(*transport->Atr()), ToHex(sim::Token::Atr()));
  EXPECT_TRUE(transport->extended_apdus());

  host::ApduChannel channel(*transport);
  host::PivClient piv(channel);
  ASSERT_TRUE(piv.Select().ok());
  ASSERT_TRUE(
      piv.AuthenticateManagementKey(piv::Algorithm::kTdes, piv::kDefaultManagementKey).ok());
  auto key = piv.GenerateKey(piv::key::kAuthentication, piv::Algorithm::kEccP256);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  ASSERT_TRUE(piv.VerifyPin(AsBytes(piv::kDefaultPin)).ok());
  std::uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>("over usb"), 8, digest);
  auto signature = piv.PrivateKeyOperation(piv::key::kAuthentication, piv::Algorithm::kEccP256,
                                           0x81, ByteView(digest, sizeof digest));
  ASSERT_TRUE(signature.ok()) << signature.status().ToString();

  ossl::PkeyCtxPtr verify(EVP_PKEY_CTX_new(key->get(), nullptr));
  ASSERT_EQ(EVP_PKEY_verify_init(verify.get()), 1);
  ByteView sig = signature->view();
  EXPECT_EQ(EVP_PKEY_verify(verify.get(), sig.data(), sig.size(), digest, sizeof digest), 1);

  transport.reset();
  EXPECT_TRUE(device_->kernel_driver_attached()) << "reattached on close";
  EXPECT_EQ(device_->claims(), 0);
}

TEST_F(UsbCcidHil, ChainsAnExtendedApduLongerThanOneMessage) {
  ASSERT_NO_FATAL_FAILURE(Plug());
  auto transport = Open();
  ASSERT_NE(transport, nullptr);
  // 5000 bytes of data: more than dwMaxCCIDMessageLength (3072) holds.
  Bytes apdu = HexOrDie(
      "00a40400"
      "001388");
  apdu.resize(apdu.size() + 5000, 0xA0);
  auto response = transport->Transmit(apdu);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  ASSERT_GE(response->size(), 2u);
  auto select = transport->Transmit(SelectPiv());
  ASSERT_TRUE(select.ok()) << select.status().ToString();
  EXPECT_EQ(ToHex(*select).substr(select->size() * 2 - 4), "9000") << "in step afterwards";
}

TEST_F(UsbCcidHil, WaitsThroughTimeExtensions) {
  ASSERT_NO_FATAL_FAILURE(Plug({.time_extensions = 3}));
  auto transport = Open();
  ASSERT_NE(transport, nullptr);
  auto select = transport->Transmit(SelectPiv());
  ASSERT_TRUE(select.ok()) << select.status().ToString();
  EXPECT_EQ(select->back(), 0x00);
}

TEST_F(UsbCcidHil, SeesAHotUnplugQuicklyAndTheHotplugWatcherFires) {
  ASSERT_NO_FATAL_FAILURE(Plug());
  std::atomic<int> changes{0};
  auto watcher = host::UsbHotplugWatcher::Start(*context_, [&] { ++changes; });
  auto transport = Open();
  ASSERT_NE(transport, nullptr);
  ASSERT_TRUE(transport->Transmit(SelectPiv()).ok());

  device_->Unplug();
  auto start = Clock::now();
  auto after = transport->Transmit(SelectPiv());
  EXPECT_LT(Clock::now() - start, milliseconds(2000));
  ASSERT_FALSE(after.ok());
  // A link that broke mid-call (the Transport contract), so that the
  // PKCS#11 slot above drops it; the message says why.
  EXPECT_EQ(after.status().code(), Code::kIoError) << after.status().ToString();
  EXPECT_NE(after.status().message().find("USB device gone"), std::string::npos)
      << after.status().ToString();
  EXPECT_EQ(transport->Transmit(SelectPiv()).status().code(), Code::kIoError) << "stays broken";

  if (!watcher.ok()) {
    GTEST_SKIP() << "no libusb hotplug here: " << watcher.status().ToString();
  }
  for (auto until = Clock::now() + milliseconds(5000); changes == 0 && Clock::now() < until;) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_GE(changes.load(), 1) << "libusb hotplug under umockdev saw the remove uevent";
  auto list = host::ListUsbCcidDevices(*context_);
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
  host::UsbCcidDevice gone;
  gone.key = "usb:1-1:0";
  EXPECT_EQ(UsbCcidTransport::Open(*context_, gone).status().code(), Code::kNotFound)
      << "nothing to open";
}

TEST_F(UsbCcidHil, AStalledBulkInEndpointIsAnIoErrorNotAHang) {
  ASSERT_NO_FATAL_FAILURE(Plug());
  auto transport = Open(milliseconds(1000));
  ASSERT_NE(transport, nullptr);
  device_->Stall();
  auto start = Clock::now();
  auto stalled = transport->Transmit(SelectPiv());
  EXPECT_LT(Clock::now() - start, milliseconds(1500));
  EXPECT_EQ(stalled.status().code(), Code::kIoError) << stalled.status().ToString();
  EXPECT_EQ(transport->Transmit(SelectPiv()).status().code(), Code::kIoError)
      << "broken until reopened";
  transport.reset();
  auto reopened = Open();
  ASSERT_NE(reopened, nullptr) << "a new transport recovers";
  EXPECT_TRUE(reopened->Transmit(SelectPiv()).ok());
}

TEST_F(UsbCcidHil, ADeviceThatNeverAnswersTimesOutWithinTheBound) {
  ASSERT_NO_FATAL_FAILURE(Plug());
  auto transport = Open(milliseconds(500));
  ASSERT_NE(transport, nullptr);
  device_->Mute();
  auto start = Clock::now();
  auto mute = transport->Transmit(SelectPiv());
  auto took = Clock::now() - start;
  EXPECT_EQ(mute.status().code(), Code::kIoError) << mute.status().ToString();
  EXPECT_GE(took, milliseconds(450));
  EXPECT_LT(took, milliseconds(2000)) << "timeout plus the cancel grace at most";
}

TEST_F(UsbCcidHil, AnUnknownKeyIsNotFound) {
  ASSERT_NO_FATAL_FAILURE(Plug());
  host::UsbCcidDevice nowhere;
  nowhere.key = "usb:9-9:0";
  EXPECT_EQ(UsbCcidTransport::Open(*context_, nowhere).status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace tessera::testing
