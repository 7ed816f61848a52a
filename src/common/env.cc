#include "common/env.h"

#include <cstdlib>
#include <string>

namespace broadsheet {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

int64_t EnvIntOr(const char* name, int64_t fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  char* end = nullptr;
  long long parsed = std::strtoll(value, &end, 10);
  return end != nullptr && *end == '\0' ? parsed : fallback;
}

CommonSettings LoadCommonSettings() {
  CommonSettings s;
  s.kafka_brokers = EnvOr("BROADSHEET_KAFKA_BROKERS", "127.0.0.1:9092");
  s.database_url =
      EnvOr("BROADSHEET_DATABASE_URL", "postgresql://broadsheet@127.0.0.1:5432/broadsheet");
  s.articles_topic = EnvOr("BROADSHEET_ARTICLES_TOPIC", "broadsheet.articles");
  s.raw_pages_topic = EnvOr("BROADSHEET_RAW_PAGES_TOPIC", "broadsheet.pages.raw");
  s.dlq_topic = EnvOr("BROADSHEET_DLQ_TOPIC", "broadsheet.dlq");
  return s;
}

}  // namespace broadsheet
