// Structured logging: one JSON object per line on stderr, e.g.
//   {"ts":"2026-11-23T18:00:00.123Z","level":"info","msg":"batch written","rows":500}
// Thread-safe: each line is written with a single write().
#ifndef BROADSHEET_COMMON_LOG_H_
#define BROADSHEET_COMMON_LOG_H_

#include <initializer_list>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

namespace broadsheet {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

void Log(LogLevel level, std::string_view msg, const nlohmann::json& fields = nlohmann::json::object());

inline void LogInfo(std::string_view msg, const nlohmann::json& f = nlohmann::json::object()) {
  Log(LogLevel::kInfo, msg, f);
}
inline void LogWarn(std::string_view msg, const nlohmann::json& f = nlohmann::json::object()) {
  Log(LogLevel::kWarn, msg, f);
}
inline void LogError(std::string_view msg, const nlohmann::json& f = nlohmann::json::object()) {
  Log(LogLevel::kError, msg, f);
}

}  // namespace broadsheet

#endif  // BROADSHEET_COMMON_LOG_H_
