// GENERAL AUTHENTICATE (INS 87, SP 800-73-4 Part 2 §3.2.4), split by what
// the key reference in P2 names: the management key (9B), authenticated by a
// witness/challenge exchange over one or two commands, or a private key in a
// user slot (sign, decrypt, key agreement). Both take the contents of the
// dynamic authentication template 7C. Thread-compatible.
#pragma once

#include "common/apdu.hpp"
#include "firmware-sim/applets/piv/piv_context.hpp"

namespace tessera::sim::piv_applet {

Result<Bytes> AuthenticateManagementKey(PivContext& c, const CommandApdu& apdu,
                                        ByteView template_contents);
Result<Bytes> PrivateKeyOperation(PivContext& c, const CommandApdu& apdu,
                                  ByteView template_contents);

}  // namespace tessera::sim::piv_applet
