// Loads a ProfileSet from a directory of *.json rule files (the I/O half of
// profile.h). Files are read in name order; exactly one must be the generic
// profile. Thread-safe (no shared state); blocking file I/O.
#ifndef BROADSHEET_CORE_PROFILE_LOADER_H_
#define BROADSHEET_CORE_PROFILE_LOADER_H_

#include <string>

#include "absl/status/statusor.h"
#include "core/profile.h"

namespace broadsheet {

// Errors: NOT_FOUND if `dir` is missing or holds no *.json file,
// INVALID_ARGUMENT naming the file for bad JSON or patterns.
absl::StatusOr<ProfileSet> LoadProfiles(const std::string& dir);

// Directory to load by default: $BROADSHEET_PROFILES_DIR if set, else the
// source tree's profiles/ (BROADSHEET_DEFAULT_PROFILES_DIR).
std::string DefaultProfilesDir();

}  // namespace broadsheet

#endif  // BROADSHEET_CORE_PROFILE_LOADER_H_
