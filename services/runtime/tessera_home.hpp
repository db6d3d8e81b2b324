// TESSERA_HOME: where the host's services keep their state (the SQLite token
// directory among it), and the default directory file inside it.
//
// TesseraHome() reads the environment on each call and creates nothing:
//   1. $TESSERA_HOME when set and not empty, as given;
//   2. else $XDG_DATA_HOME/tessera when XDG_DATA_HOME is an absolute path
//      (the XDG Base Directory spec says to ignore a relative one);
//   3. else $HOME/.local/share/tessera, HOME from the environment or, when
//      unset, from the password database.
// kNotFound when none of them gives a directory. Thread-safe as long as no
// thread changes the environment meanwhile (getenv).
#pragma once

#include <filesystem>

#include "common/status.hpp"

namespace tessera::runtime {

Result<std::filesystem::path> TesseraHome();

// tessera_home / "directory.db".
std::filesystem::path DefaultDirectoryPath(const std::filesystem::path& tessera_home);

}  // namespace tessera::runtime
