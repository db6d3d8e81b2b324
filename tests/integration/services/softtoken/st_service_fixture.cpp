#include "tests/integration/services/softtoken/st_service_fixture.hpp"

#include <openssl/x509.h>

#include "services/directory/stores/cms_store.hpp"
#include "services/directory/stores/user_store.hpp"
#include "services/runtime/hsm_access.hpp"
#include "services/softtoken/device_proof.hpp"

namespace tessera::softtoken::testing {
namespace {

struct UserRow {
  const char* id;
  const char* name;
  const char* organization;
  const char* email;
  const char* document;
};
constexpr UserRow kUsers[] = {
    {"alice", "Alice Example", "Example Org", "alice@example.org", "P1234567"},
    {"bob", "Bob Example", "Example Org", "bob@example.org", "P7654321"},
    {"eve", kMarkupName, "<b>Org</b> & Co", "eve@example.org", "E<1>"},
};

}  // namespace

Bytes Exporter(std::uint8_t fill) {
  Bytes out(32);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(fill + i);
  return out;
}

void StServiceTest::Bring(SoftTokenOptions options) {
  if (GetParam() == "postgresql") UsePostgres();
  InitCa(kIssuer);
  Result<std::unique_ptr<directory::Database>> db = directory::OpenDatabase(directory_url());
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  db_ = std::shared_ptr<directory::Database>(std::move(db).value());
  Status users = db_->Transact([](directory::SqlTransaction& tx) -> Status {
    for (const UserRow& row : kUsers) {
      directory::UserRecord user;
      user.id = row.id;
      user.display_name = row.name;
      user.organization = row.organization;
      user.email = row.email;
      user.document = row.document;
      user.created_at = 1;
      TESSERA_RETURN_IF_ERROR(directory::InsertUser(tx, user));
    }
    return Status::Ok();
  });
  ASSERT_TRUE(users.ok()) << users.ToString();

  // The device's simulator: two tokens from one manufacturer.
  auto sim = tessera::testing::SimProcess::Start(sim_dir_.path() / "state", sim_dir_.path() / "run",
                                                 {"--tokens", "2"});
  ASSERT_TRUE(sim.ok()) << sim.status().ToString();
  sim_ = std::move(sim).value();
  ASSERT_EQ(sim_->Serials().size(), 2u);
  const std::string ca =
      tessera::testing::ReadFile(sim_dir_.path() / "state" / "manufacturer-ca.der");
  manufacturer_ca_.assign(ca.begin(), ca.end());
  ASSERT_FALSE(manufacturer_ca_.empty());

  ::setenv("SOFTHSM2_CONF", (CaTest::home() / "softhsm2.conf").c_str(), 1);
  runtime::Home home{CaTest::home()};
  Result<runtime::HsmAccess> access = runtime::HsmAccess::Load(home, runtime::Settings{});
  ASSERT_TRUE(access.ok()) << access.status().ToString();
  auto shared_access = std::make_shared<runtime::HsmAccess>(std::move(access).value());
  // One PKCS#11 module load per process: the CA and the service share it.
  opener_ = [shared_access](const std::string& name) { return shared_access->Open(name); };
  ca::CaOptions ca_options;
  ca_options.base_url = ca::testing::kBaseUrl;
  ca_ = std::make_shared<ca::CaService>(
      db_, opener_, ca_options, [offset = clock_offset_] { return ca::SystemClock() + *offset; });
  options.public_url = kPublicUrl;
  options.manufacturer_cas = {manufacturer_ca_};
  service_ = std::make_shared<SoftTokenService>(db_, ca_, opener_, options);
  Result<InitAnswer> init =
      service_->Init(InitRequest{"default", ca::testing::kHsm, kIssuer, ""}, caller());
  ASSERT_TRUE(init.ok()) << init.status().ToString();
}

void StServiceTest::TearDown() {
  devices_[0].reset();
  devices_[1].reset();
  if (sim_) sim_->Stop();
  sim_.reset();
  service_.reset();
  ca_.reset();
  db_.reset();
  CaTest::TearDown();
}

std::shared_ptr<SoftTokenService> StServiceTest::AnotherService(SoftTokenOptions options) {
  options.public_url = kPublicUrl;
  if (options.manufacturer_cas.empty()) options.manufacturer_cas = {manufacturer_ca_};
  return std::make_shared<SoftTokenService>(db_, ca_, opener_, options);
}

SimDevice& StServiceTest::device(int index) {
  if (!devices_[index]) {
    const std::uint32_t serial = sim_->Serials().at(static_cast<std::size_t>(index));
    Result<std::unique_ptr<SimDevice>> opened = SimDevice::Open(*sim_, serial);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    devices_[index] = std::move(opened).value();
  }
  return *devices_[index];
}

const Bytes& StServiceTest::device_key(int index) {
  if (device_keys_[index].empty()) {
    Result<Bytes> key = device(index).Generate(kSlot);
    EXPECT_TRUE(key.ok()) << key.status().ToString();
    if (key.ok()) device_keys_[index] = *key;
  }
  return device_keys_[index];
}

DeviceRequest StServiceTest::MakeRequest(int device_index, ByteView exporter,
                                         const std::string& deliver, const std::string& format) {
  DeviceRequest request;
  const Bytes& key = device_key(device_index);
  Result<Challenge> challenge = service_->NewChallenge(caller());
  EXPECT_TRUE(challenge.ok()) << challenge.status().ToString();
  if (challenge.ok()) request.nonce = challenge->nonce;
  request.serial = device(device_index).serial();
  request.slot = kSlot;
  request.device_key = key;
  Result<Bytes> attestation = device(device_index).Attest(kSlot);
  EXPECT_TRUE(attestation.ok()) << attestation.status().ToString();
  if (attestation.ok()) request.attestation = *attestation;
  Result<Bytes> f9 = device(device_index).AttestationCa();
  EXPECT_TRUE(f9.ok()) << f9.status().ToString();
  if (f9.ok()) request.attestation_ca = *f9;
  Result<Bytes> signature =
      device(device_index).SignEs256(kSlot, RequestProofMessage(request.nonce, exporter, key));
  EXPECT_TRUE(signature.ok()) << signature.status().ToString();
  if (signature.ok()) request.signature = *signature;
  request.deliver = deliver;
  request.format = format;
  request.exporter = Bytes(exporter.begin(), exporter.end());
  return request;
}

Result<RequestCreated> StServiceTest::Request(int device_index, ByteView exporter,
                                              const std::string& deliver,
                                              const std::string& format) {
  return service_->CreateRequest(MakeRequest(device_index, exporter, deliver, format), caller());
}

Result<PollAnswer> StServiceTest::PollAs(int device_index, const std::string& id,
                                         ByteView exporter) {
  TESSERA_ASSIGN_OR_RETURN(Bytes signature,
                           device(device_index).SignEs256(kSlot, PollProofMessage(id, exporter)));
  return service_->Poll(id, signature, exporter, caller());
}

Result<ApproveAnswer> StServiceTest::IssueVia(int device_index, const Card& card,
                                              const std::string& format, const std::string& deliver,
                                              std::uint8_t fill) {
  TESSERA_ASSIGN_OR_RETURN(RequestCreated created,
                           Request(device_index, Exporter(fill), deliver, format));
  const IdCaller id = Id(card, Exporter(static_cast<std::uint8_t>(fill + 1)));
  TESSERA_ASSIGN_OR_RETURN(MatchAnswer match, service_->Match(created.otp, id, caller()));
  return service_->Approve(created.id, match.confirmation, match.comparison, id, caller());
}

Card StServiceTest::IssueCard(const std::string& user, std::uint32_t serial) {
  Card card;
  card.user = user;
  card.serial = serial;
  card.key.reset(EVP_EC_gen("P-256"));
  Result<Bytes> spki = ossl::PublicKeyToDer(card.key.get());
  EXPECT_TRUE(spki.ok());
  if (!spki.ok()) return card;
  card.spki = *spki;
  ca::KeyIssueRequest issue;
  issue.ca = kIssuer;
  issue.profile = "piv-authentication";
  issue.public_key = card.spki;
  issue.subject = {{"CN", "Card of " + user}, {"O", "Example Org"}, {"UID", user}};
  issue.user_id = user;
  issue.token_serial = serial;
  Result<ca::PreparedCertificate> prepared = ca_->PrepareForKey(issue, {"test", "req"});
  EXPECT_TRUE(prepared.ok()) << prepared.status().ToString();
  if (!prepared.ok()) return card;
  card.certificate = prepared->record.der;
  card.cert_serial = prepared->record.serial;
  card.binding_id =
      std::string(24, 'b') +
      ToHex(Bytes{static_cast<std::uint8_t>(serial >> 24), static_cast<std::uint8_t>(serial >> 16),
                  static_cast<std::uint8_t>(serial >> 8), static_cast<std::uint8_t>(serial)});
  const std::int64_t now = service_->Now();
  Status s = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_RETURN_IF_ERROR(ca_->StoreIssued(tx, *prepared, now));
    directory::CmsTokenRecord token;
    token.serial = serial;
    token.token_key = card.spki;
    token.attestation = card.certificate;
    token.attestation_ca = card.certificate;
    token.chuid = Bytes{0x30};
    token.transport = "sim";
    token.state = "active";
    token.user_id = user;
    token.registered_at = token.updated_at = now;
    TESSERA_RETURN_IF_ERROR(directory::InsertCmsToken(tx, token));
    directory::BindingRecord binding;
    binding.id = card.binding_id;
    binding.user_id = user;
    binding.token_serial = serial;
    binding.state = "active";
    binding.ca = kIssuer;
    binding.cert_serial = card.cert_serial;
    binding.created_at = binding.updated_at = now;
    binding.activated_at = now;
    return directory::InsertBinding(tx, binding);
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return card;
}

void StServiceTest::SetBinding(const Card& card, const std::string& state) {
  const std::int64_t now = service_->Now();
  Status s = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::BindingRecord> binding,
                             directory::FindBinding(tx, card.binding_id));
    if (!binding) return Status::NotFound("no binding");
    binding->state = state;
    binding->updated_at = now;
    if (state == "revoked") {
      binding->revoked_at = now;
      binding->revoked_reason = 4;  // superseded
    }
    return directory::UpdateBinding(tx, *binding);
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
}

void StServiceTest::RevokeCard(const Card& card) {
  Result<directory::RevocationRecord> revoked =
      ca_->Revoke(ca::RevokeRequest{kIssuer, card.cert_serial, 1}, {"test", "revoke"});
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
}

std::vector<Bytes> StServiceTest::IssuerChain() {
  Result<std::vector<Bytes>> chain = service_->IssuerCertificates();
  EXPECT_TRUE(chain.ok()) << chain.status().ToString();
  return chain.ok() ? *chain : std::vector<Bytes>{};
}

ossl::PkeyPtr StServiceTest::IssuerKey() {
  const std::vector<Bytes> chain = IssuerChain();
  if (chain.empty()) return nullptr;
  Result<ossl::X509Ptr> leaf = ossl::CertFromDer(chain.front());
  EXPECT_TRUE(leaf.ok());
  if (!leaf.ok()) return nullptr;
  EVP_PKEY* key = X509_get0_pubkey(leaf->get());
  EVP_PKEY_up_ref(key);
  return ossl::PkeyPtr(key);
}

std::string StServiceTest::Scalar(const std::string& sql) {
  std::string value;
  Status s = db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(sql));
    if (rows.empty()) return Status::NotFound("no row");
    TESSERA_ASSIGN_OR_RETURN(value, rows.at(0).Text(0));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << sql << ": " << s.ToString();
  return value;
}

std::int64_t StServiceTest::Count(const std::string& sql) {
  std::int64_t value = -1;
  Status s = db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(sql));
    TESSERA_ASSIGN_OR_RETURN(value, rows.at(0).Int(0));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << sql << ": " << s.ToString();
  return value;
}

std::int64_t StServiceTest::Tries(const std::string& id) {
  return Count("SELECT tries_left FROM st_requests WHERE id = '" + id + "'");
}

std::string StServiceTest::State(const std::string& id) {
  return Scalar("SELECT state FROM st_requests WHERE id = '" + id + "'");
}

std::optional<directory::SoftTokenRequestRecord> StServiceTest::Row(const std::string& id) {
  std::optional<directory::SoftTokenRequestRecord> row;
  Status s = db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(row, directory::FindStRequest(tx, id));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return row;
}

std::optional<directory::SoftTokenRecord> StServiceTest::TokenRow(const std::string& id) {
  std::optional<directory::SoftTokenRecord> row;
  Status s = db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(row, directory::FindStToken(tx, id));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return row;
}

}  // namespace tessera::softtoken::testing
