// The fixture of the soft-token end-to-end tests (seed 002): the CMS world
// of cms_fixture.hpp (tessera-sim, SoftHSM2, the root CA, an officer, the
// directory on SQLite or PostgreSQL), the soft-token issuer (`tessera
// softtoken init`), and a tesserad of the test's own that runs ca, cms and
// softtoken with a 1-second status-list ttl. IssueIdToken makes a user and
// binds and activates a card for them through the CMS (9A then holds the
// PIV Authentication key and certificate channel 2 authenticates with);
// any other untaken token is a device. Used from the test's thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/services/cms/cms_fixture.hpp"
#include "tests/integration/services/softtoken/cli_process.hpp"

namespace tessera::testing {

class SoftTokenE2eTest : public CmsTest {
 protected:
  SoftTokenE2eTest() {
    shared_world_ = true;
    sim_tokens_ = 12;
  }
  void SetUpWorld() override;
  void SetUp() override;

  // A user `base` (made unique) with `name`, and a card the CMS bound to
  // them and activated; the card's serial. The user ID in *user_id.
  std::uint32_t IssueIdToken(const std::string& base, const std::string& name,
                             std::string* user_id);
  // `tessera softtoken request` for `device` in the background.
  std::unique_ptr<CliProcess> StartRequest(std::uint32_t device,
                                           const std::vector<std::string>& extra);
  // --server and --ca-file of the soft-token daemon.
  std::vector<std::string> StServer() const;
  std::string BaseUrl() const;
  // The CLI's environment, as Cli() gives it.
  std::vector<std::string> CliEnv() const;
  // The ES256 signature of the issuer-signed JWT of an SD-JWT file checked
  // by the openssl command against the x5c leaf's key: no Tessera code
  // verifies. Fails the test otherwise.
  void ExpectOpensslVerifies(const std::string& sd_jwt_file);

  TesseradProcess* st_daemon_ = nullptr;
};

}  // namespace tessera::testing
