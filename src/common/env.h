// Reads settings from environment variables with defaults. Thread-safe
// (reads only); call before starting threads that might setenv().
#ifndef BROADSHEET_COMMON_ENV_H_
#define BROADSHEET_COMMON_ENV_H_

#include <cstdint>
#include <string>

namespace broadsheet {

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
