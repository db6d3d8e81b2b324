#include "common/version/build_info.hpp"

namespace tessera {
namespace build_info_generated {
// Defined in the generated build_info_generated.cpp.
extern const char kVersion[];
extern const char kCommit[];
extern const char kBuildType[];
}  // namespace build_info_generated

const BuildInfo& GetBuildInfo() {
  static const BuildInfo kInfo{build_info_generated::kVersion, build_info_generated::kCommit,
                               build_info_generated::kBuildType};
  return kInfo;
}

std::string VersionLine(std::string_view program, const BuildInfo& info) {
  std::string line(program);
  line += ' ';
  line += info.version;
  line += " (commit ";
  line += info.commit;
  line += ", ";
  line += info.build_type;
  line += " build)";
  return line;
}

}  // namespace tessera
