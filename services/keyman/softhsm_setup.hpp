// InitSoftHsmToken: `tessera hsm init-softhsm --name NAME`. Creates a
// SoftHSM2 token labelled NAME in TESSERA_HOME for the embedded default, with
// random user and SO PINs written to TESSERA_HOME/hsm/NAME.pin and
// NAME.so-pin (mode 0600, created exclusively). The PINs never appear on a
// command line. Refuses a name that already has a token or PIN files.
#pragma once

#include <string>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "services/runtime/home.hpp"

namespace tessera::keyman {

Status InitSoftHsmToken(const runtime::Home& home, const runtime::Settings& settings,
                        const std::string& name);

// Writes `secret` and a newline to `path`, created exclusively with mode
// 0600; kConditionsNotSatisfied when the file exists.
Status WriteSecretFile(const std::filesystem::path& path, ByteView secret);

}  // namespace tessera::keyman
