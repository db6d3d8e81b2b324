// RegServiceTest: the registration gateway's service (RegistrationService)
// in this process, on a real SoftHSM2 token and a real issuer CA (made with
// the tessera CLI, as CaTest does), on SQLite or PostgreSQL by the test's
// parameter. Users alice and bob are in the directory; Bring() initializes
// the gateway (`reg init`), and SoftToken plays the token. Every test
// asserts on statuses and on directory rows.
#pragma once

#include <memory>
#include <string>

#include "common/bytes.hpp"
#include "services/directory/database.hpp"
#include "services/registration/registration_service.hpp"
#include "tests/integration/services/ca/ca_fixture.hpp"
#include "tests/integration/services/registration/soft_token.hpp"

namespace tessera::registration::testing {

inline constexpr char kIssuer[] = "issuer";

class RegServiceTest : public ca::testing::CaTest,
                       public ::testing::WithParamInterface<std::string> {
 protected:
  // The backend, the issuer CA, the users, the service and `reg init`.
  void Bring(RegistrationOptions options = {});

  RegistrationService& service() { return *service_; }
  ca::CaService& ca() { return *ca_; }
  directory::Database& db() { return *db_; }
  const Bytes& issuer_point() const { return issuer_point_; }
  Caller caller() const { return Caller{"test", "req-1"}; }

  // A code for `user` (fails the test otherwise).
  std::string Code(const std::string& user);
  // The user identification TLV.
  static Bytes UserInfoOf(const std::string& user, const std::string& code);
  // Start + Exchange + Confirm with `token`; the confirmed UIDC.
  Result<ConfirmAnswer> Register(SoftToken& token, const std::string& user,
                                 const std::string& code);
  // OpenSession + FinishSession; the session ID.
  Result<std::string> Login(SoftToken& token);

  // A value from the directory: the first column of the first row, as text.
  std::string Scalar(const std::string& sql);
  std::int64_t Count(const std::string& sql);

 private:
  std::shared_ptr<directory::Database> db_;
  std::shared_ptr<ca::CaService> ca_;
  std::shared_ptr<RegistrationService> service_;
  Bytes issuer_point_;
};

}  // namespace tessera::registration::testing
