// audit::ValidateEvent (services/audit/audit_log.hpp): what Append refuses
// before it touches the database.
#include <gtest/gtest.h>

#include <string>

#include "services/audit/audit_log.hpp"

namespace tessera::audit {
namespace {

AuditEvent Good() {
  return {"cli:root", "ca.issue", "ca/root/serial/0a", "req-1", R"({"profile":"tls"})"};
}

TEST(AuditEvent, AcceptsAnOrdinaryEventAndEmptyOptionalFields) {
  EXPECT_TRUE(ValidateEvent(Good()).ok());
  EXPECT_TRUE(ValidateEvent({"", "crl.issue", "", "", ""}).ok());
  AuditEvent utf8 = Good();
  utf8.actor = "CN=Jos\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91";  // é € 🔑
  EXPECT_TRUE(ValidateEvent(utf8).ok());
}

TEST(AuditEvent, RefusesAnEmptyOrMalformedAction) {
  AuditEvent e = Good();
  e.action = "";
  EXPECT_EQ(ValidateEvent(e).code(), Code::kInvalidArgument);
  e.action = "CA Issue";
  EXPECT_EQ(ValidateEvent(e).code(), Code::kInvalidArgument);
  e.action = std::string(65, 'a');
  EXPECT_EQ(ValidateEvent(e).code(), Code::kInvalidArgument);
}

TEST(AuditEvent, RefusesFieldsPastTheirLimits) {
  AuditEvent e = Good();
  e.details = std::string(64 * 1024 + 1, 'x');
  Status s = ValidateEvent(e);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("details"), std::string::npos) << s.message();
  e = Good();
  e.request_id = std::string(257, 'r');
  EXPECT_EQ(ValidateEvent(e).code(), Code::kInvalidArgument);
}

TEST(AuditEvent, RefusesNulAndBytesThatAreNotUtf8) {
  for (const std::string& bad : {std::string("a\0b", 3), std::string("\xff"),
                                 std::string("\xc0\xaf"),          // overlong '/'
                                 std::string("\xed\xa0\x80"),      // a surrogate
                                 std::string("\xf4\x90\x80\x80"),  // past U+10FFFF
                                 std::string("\xe2\x82")}) {       // cut short
    AuditEvent e = Good();
    e.object = bad;
    EXPECT_EQ(ValidateEvent(e).code(), Code::kInvalidArgument) << bad.size();
  }
}

}  // namespace
}  // namespace tessera::audit
