// StServiceTest: the soft-token service (SoftTokenService, seed 002) in this
// process, on a real SoftHSM2 token and a real issuer CA (P-256, made with
// the tessera CLI as CaTest does), on SQLite or PostgreSQL by the test's
// parameter. Its parts are real:
//   - the device: a tessera-sim token (two are served, so a test can take a
//     statement from the other one) with a P-256 key in slot 9E, attested to
//     the simulator's manufacturer CA (STATE/manufacturer-ca.der), signing
//     the request and poll proofs on the token;
//   - the ID token: a 9A certificate (profile piv-authentication) issued by
//     the CA for a P-256 key the test holds, stored with token_serial and
//     user_id, plus the CMS rows that make the card active for its user;
//   - the TLS exporter: 32 bytes per "connection" the test picks (there is
//     no TLS in process).
// The service's clock is the CA's, which the test can move forward
// (Advance). Users alice, bob and eve (whose name is markup) are in the
// directory. Every test asserts on statuses and directory rows.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/bytes.hpp"
#include "common/ossl.hpp"
#include "services/directory/database.hpp"
#include "services/directory/stores/softtoken_store.hpp"
#include "services/softtoken/softtoken_service.hpp"
#include "tests/integration/services/ca/ca_fixture.hpp"
#include "tests/integration/services/softtoken/st_service_device.hpp"
#include "tests/integration/sim_harness.hpp"

namespace tessera::softtoken::testing {

inline constexpr char kIssuer[] = "issuer";
inline constexpr char kPublicUrl[] = "https://127.0.0.1:1";
inline constexpr std::uint8_t kSlot = 0x9E;
inline constexpr char kMarkupName[] = "<script>alert(1)</script>";

// An ID token as the service sees it on channel 2.
struct Card {
  std::string user;
  std::uint32_t serial = 0;
  ossl::PkeyPtr key;  // stands for the card's 9A key
  Bytes spki;
  Bytes certificate;  // the 9A certificate, DER
  Bytes cert_serial;
  std::string binding_id;
};

// A "TLS connection": its exporter.
Bytes Exporter(std::uint8_t fill);

class StServiceTest : public ca::testing::CaTest,
                      public ::testing::WithParamInterface<std::string> {
 protected:
  // The backend, the issuer CA, the users, the simulator, the service and
  // `Init` of issuer "default". public_url and manufacturer_cas are set here.
  void Bring(SoftTokenOptions options = {});
  void TearDown() override;

  SoftTokenService& service() { return *service_; }
  std::shared_ptr<SoftTokenService> shared_service() { return service_; }
  ca::CaService& ca() { return *ca_; }
  directory::Database& db() { return *db_; }
  Caller caller() const { return Caller{"test", "req-1"}; }
  const Bytes& manufacturer_ca() const { return manufacturer_ca_; }
  tessera::testing::SimProcess& sim() { return *sim_; }
  // A second service on the same directory, CA and HSM (other options).
  std::shared_ptr<SoftTokenService> AnotherService(SoftTokenOptions options);

  // Device 0 or 1 of the simulator, its slot key generated on first use.
  SimDevice& device(int index = 0);
  const Bytes& device_key(int index = 0);

  // A DeviceRequest for `device`'s slot key with a fresh challenge, signed
  // over `exporter`.
  DeviceRequest MakeRequest(int device_index, ByteView exporter,
                            const std::string& deliver = "both",
                            const std::string& format = "sd-jwt-vc");
  Result<RequestCreated> Request(int device_index, ByteView exporter,
                                 const std::string& deliver = "both",
                                 const std::string& format = "sd-jwt-vc");
  // A poll signed by the device over `exporter`.
  Result<PollAnswer> PollAs(int device_index, const std::string& id, ByteView exporter);

  // A whole run: request by the device (on connection `fill`), match and
  // approve with `card` (on connection `fill` + 1).
  Result<ApproveAnswer> IssueVia(int device_index, const Card& card, const std::string& format,
                                 const std::string& deliver = "both", std::uint8_t fill = 0x40);

  // Issues the card's 9A certificate and makes the card active for `user`.
  Card IssueCard(const std::string& user, std::uint32_t serial);
  IdCaller Id(const Card& card, ByteView exporter) const {
    return IdCaller{card.certificate, Bytes(exporter.begin(), exporter.end())};
  }
  // The card's binding to its user set to `state` (revoked_at with "revoked").
  void SetBinding(const Card& card, const std::string& state);
  void RevokeCard(const Card& card);

  // The service's (and the CA's) clock moves forward.
  void Advance(std::int64_t seconds) { *clock_offset_ += seconds; }

  // The issuer's certificate and its CA's (x5c order), from the service.
  std::vector<Bytes> IssuerChain();
  // The issuer certificate's public key (the SD-JWT and status list signer).
  ossl::PkeyPtr IssuerKey();

  // A value from the directory: the first column of the first row.
  std::string Scalar(const std::string& sql);
  std::int64_t Count(const std::string& sql);
  std::int64_t Tries(const std::string& id);
  // The st_requests / st_tokens row, through the store.
  std::optional<directory::SoftTokenRequestRecord> Row(const std::string& id);
  std::optional<directory::SoftTokenRecord> TokenRow(const std::string& id);
  std::string State(const std::string& id);

 private:
  std::shared_ptr<directory::Database> db_;
  std::shared_ptr<ca::CaService> ca_;
  ca::HsmOpener opener_;
  std::shared_ptr<SoftTokenService> service_;
  std::shared_ptr<std::int64_t> clock_offset_ = std::make_shared<std::int64_t>(0);
  tessera::testing::TempDir sim_dir_{"st-sim"};
  std::unique_ptr<tessera::testing::SimProcess> sim_;
  Bytes manufacturer_ca_;
  std::unique_ptr<SimDevice> devices_[2];
  Bytes device_keys_[2];
};

}  // namespace tessera::softtoken::testing
