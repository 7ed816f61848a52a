#include "core/profile_loader.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace broadsheet {

absl::StatusOr<ProfileSet> LoadProfiles(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return absl::NotFoundError(absl::StrCat("profiles directory not found: ", dir));
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  if (ec) return absl::UnavailableError(absl::StrCat("cannot list ", dir, ": ", ec.message()));
  if (files.empty()) return absl::NotFoundError(absl::StrCat("no *.json profiles in ", dir));
  std::sort(files.begin(), files.end());
  std::vector<ProfileSource> sources;
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::UnavailableError(absl::StrCat("cannot read ", path.string()));
    std::ostringstream ss;
    ss << in.rdbuf();
    sources.push_back({path.string(), ss.str()});
  }
  return ProfileSet::FromJson(sources);
}

std::string DefaultProfilesDir() {
  if (const char* env = std::getenv("BROADSHEET_PROFILES_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
#ifdef BROADSHEET_DEFAULT_PROFILES_DIR
  return BROADSHEET_DEFAULT_PROFILES_DIR;
#else
  return "profiles";
#endif
}

}  // namespace broadsheet
