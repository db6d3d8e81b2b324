#include "tests/integration/services/registration/reg_service_fixture.hpp"

#include <openssl/x509.h>

#include <ctime>

#include "common/piv/key_material.hpp"
#include "common/registration/user_info.hpp"
#include "services/directory/stores/user_store.hpp"
#include "services/runtime/hsm_access.hpp"

namespace tessera::registration::testing {

void RegServiceTest::Bring(RegistrationOptions options) {
  if (GetParam() == "postgresql") UsePostgres();
  InitCa(kIssuer);
  Result<std::unique_ptr<directory::Database>> db = directory::OpenDatabase(directory_url());
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  db_ = std::shared_ptr<directory::Database>(std::move(db).value());
  Status users = db_->Transact([](directory::SqlTransaction& tx) -> Status {
    for (const char* id : {"alice", "bob"}) {
      directory::UserRecord user;
      user.id = id;
      user.display_name = id;
      user.created_at = 1;
      TESSERA_RETURN_IF_ERROR(directory::InsertUser(tx, user));
    }
    return Status::Ok();
  });
  ASSERT_TRUE(users.ok()) << users.ToString();

  ::setenv("SOFTHSM2_CONF", (CaTest::home() / "softhsm2.conf").c_str(), 1);
  runtime::Home home{CaTest::home()};
  Result<runtime::HsmAccess> access = runtime::HsmAccess::Load(home, runtime::Settings{});
  ASSERT_TRUE(access.ok()) << access.status().ToString();
  auto shared_access = std::make_shared<runtime::HsmAccess>(std::move(access).value());
  options.public_url = "https://gateway.test:8443";
  // One PKCS#11 module load per process: the CA and the gateway share it
  // (CaTest::Service would load a second one).
  const ca::HsmOpener opener = [shared_access](const std::string& name) {
    return shared_access->Open(name);
  };
  ca::CaOptions ca_options;
  ca_options.base_url = ca::testing::kBaseUrl;
  ca_ = std::make_shared<ca::CaService>(db_, opener, ca_options);
  service_ = std::make_shared<RegistrationService>(db_, ca_, opener, options);
  Result<InitAnswer> init =
      service_->Init(InitRequest{"default", ca::testing::kHsm, kIssuer, ""}, caller());
  ASSERT_TRUE(init.ok()) << init.status().ToString();
  const unsigned char* p = init->issuer_certificate.data();
  ossl::X509Ptr issuer(d2i_X509(nullptr, &p, static_cast<long>(init->issuer_certificate.size())));
  ASSERT_TRUE(issuer);
  Result<Bytes> point =
      piv::EcPublicPoint(X509_get0_pubkey(issuer.get()), *piv::CurveOf(piv::Algorithm::kEccP256));
  ASSERT_TRUE(point.ok());
  issuer_point_ = *point;
}

std::string RegServiceTest::Code(const std::string& user) {
  Result<IssuedCode> code = service_->IssueCode(user, 3600, caller());
  EXPECT_TRUE(code.ok()) << code.status().ToString();
  return code.ok() ? code->code : "";
}

Bytes RegServiceTest::UserInfoOf(const std::string& user, const std::string& code) {
  return Encode(UserInfo{user, code, ""}).value();
}

Result<ConfirmAnswer> RegServiceTest::Register(SoftToken& token, const std::string& user,
                                               const std::string& code) {
  TESSERA_ASSIGN_OR_RETURN(StartAnswer start, service_->Start(caller()));
  TESSERA_ASSIGN_OR_RETURN(
      Bytes r1, token.Begin(start.server_hello, static_cast<std::uint64_t>(std::time(nullptr)),
                            UserInfoOf(user, code)));
  TESSERA_ASSIGN_OR_RETURN(ExchangeAnswer exchange,
                           service_->Exchange(start.registration_id, r1, std::nullopt, caller()));
  TESSERA_ASSIGN_OR_RETURN(Bytes r3, token.Finish(exchange.server_message));
  return service_->Confirm(start.registration_id, r3, caller());
}

Result<std::string> RegServiceTest::Login(SoftToken& token) {
  TESSERA_ASSIGN_OR_RETURN(Bytes a1, token.AuthBegin());
  TESSERA_ASSIGN_OR_RETURN(SessionChallenge challenge, service_->OpenSession(a1, caller()));
  TESSERA_ASSIGN_OR_RETURN(Bytes a3, token.AuthFinish(challenge.server_message));
  TESSERA_ASSIGN_OR_RETURN(SessionOpened opened,
                           service_->FinishSession(challenge.session_id, a3, caller()));
  return opened.session_id;
}

std::string RegServiceTest::Scalar(const std::string& sql) {
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

std::int64_t RegServiceTest::Count(const std::string& sql) {
  std::int64_t value = -1;
  Status s = db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(sql));
    TESSERA_ASSIGN_OR_RETURN(value, rows.at(0).Int(0));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << sql << ": " << s.ToString();
  return value;
}

}  // namespace tessera::registration::testing
