// HsmToken: the HSM token the adapter works with, found by its label, with
// one read/write session logged in as the user.
//
// Open() looks through the module's slots with a token present for the one
// whose CK_TOKEN_INFO label (32 bytes, space-padded) equals `label`, reads
// the PIN from its PinSource, opens a session and logs in. The PIN is wiped
// before Open returns. The quirks come from the token's manufacturer
// and model.
//
// Threads: an HsmToken, and every KeyObject made in its session, is used by
// one thread at a time. For parallel work (--jobs N) each thread calls Open()
// for the same label and gets its own session; the logins after the first
// return CKR_USER_ALREADY_LOGGED_IN, which is success, and closing one
// HsmToken never logs the others out (see HsmSession). Move-only.
#pragma once

#include <p11-kit/pkcs11.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "hsm/hsm_quirks.hpp"
#include "hsm/hsm_session.hpp"
#include "hsm/pin_source.hpp"
#include "hsm/pkcs11_library.hpp"

namespace tessera::hsm {

// The module's slots with a token present (initialized or not).
Result<std::vector<CK_SLOT_ID>> SlotsWithToken(const Pkcs11Library& library);

class HsmToken {
 public:
  // Errors: kNotFound "no HSM token labelled '...'" (with the labels seen),
  // the PinSource's errors, and C_Login's (a wrong PIN names the token).
  static Result<HsmToken> Open(std::shared_ptr<const Pkcs11Library> library, std::string_view label,
                               const PinSource& pin);

  // The slot whose token carries `label`; kInvalidArgument past 32 bytes.
  static Result<CK_SLOT_ID> FindSlot(const Pkcs11Library& library, std::string_view label);

  const std::string& label() const { return label_; }
  CK_SLOT_ID slot() const { return session_.slot(); }
  const HsmQuirks& quirks() const { return quirks_; }
  HsmSession& session() { return session_; }

 private:
  HsmToken(std::string label, HsmQuirks quirks, HsmSession session)
      : label_(std::move(label)), quirks_(quirks), session_(std::move(session)) {}

  std::string label_;
  HsmQuirks quirks_;
  HsmSession session_;
};

}  // namespace tessera::hsm
