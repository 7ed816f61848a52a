// Settings. Every setting is a BROADSHEET_* name and can be given three
// ways, highest precedence first:
//   1. a command-line flag: --kafka-brokers=HOST:PORT (or --kafka-brokers
//      HOST:PORT) sets BROADSHEET_KAFKA_BROKERS;
//   2. the environment variable itself;
//   3. a config file named by --config FILE or BROADSHEET_CONFIG_FILE, with
//      lines `BROADSHEET_KAFKA_BROKERS=HOST:PORT` (or `kafka-brokers = ...`),
//      `#` comments and blank lines.
// ApplySettingSources() folds flags and file into the environment once, at
// start; afterwards code reads settings with EnvOr(). Reads are thread-safe;
// ApplySettingSources() must run before any thread starts.
#ifndef BROADSHEET_COMMON_ENV_H_
#define BROADSHEET_COMMON_ENV_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace broadsheet {

// Applies setting flags and the config file; returns the remaining
// arguments (argv[1..] that are not settings), or an error naming a bad flag
// or an unreadable file. `own_flags` are the program's own flags that take
// no value (e.g. "--migrate-only") or one value (listed in `own_valued`).
absl::StatusOr<std::vector<std::string>> ApplySettingSources(
    int argc, char** argv, const std::vector<std::string>& own_flags = {},
    const std::vector<std::string>& own_valued = {});

// "kafka-brokers" -> "BROADSHEET_KAFKA_BROKERS".
std::string SettingVariable(const std::string& flag_name);

std::string EnvOr(const char* name, const std::string& fallback);
int64_t EnvIntOr(const char* name, int64_t fallback);

// The settings every service shares, each from its BROADSHEET_* variable.
struct CommonSettings {
  std::string kafka_brokers;    // BROADSHEET_KAFKA_BROKERS
  std::string database_url;     // BROADSHEET_DATABASE_URL
  std::string articles_topic;   // BROADSHEET_ARTICLES_TOPIC
  std::string raw_pages_topic;  // BROADSHEET_RAW_PAGES_TOPIC
  std::string dlq_topic;        // BROADSHEET_DLQ_TOPIC
};

CommonSettings LoadCommonSettings();

}  // namespace broadsheet

#endif  // BROADSHEET_COMMON_ENV_H_
