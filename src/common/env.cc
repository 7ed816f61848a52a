#include "common/env.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

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

std::string SettingVariable(const std::string& flag_name) {
  std::string name = absl::AsciiStrToUpper(flag_name);
  std::replace(name.begin(), name.end(), '-', '_');
  return name.rfind("BROADSHEET_", 0) == 0 ? name : "BROADSHEET_" + name;
}

namespace {

// Reads KEY=VALUE lines; sets each variable not already in the environment.
absl::Status ApplyConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read config file ", path));
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || text[0] == '#') continue;
    size_t eq = text.find('=');
    if (eq == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(path, ":", number, ": expected NAME=VALUE"));
    }
    std::string key(absl::StripAsciiWhitespace(text.substr(0, eq)));
    std::string value(absl::StripAsciiWhitespace(text.substr(eq + 1)));
    if (key.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ":", number, ": empty name"));
    }
    setenv(SettingVariable(key).c_str(), value.c_str(), /*overwrite=*/0);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ApplySettingSources(
    int argc, char** argv, const std::vector<std::string>& own_flags,
    const std::vector<std::string>& own_valued) {
  std::vector<std::string> rest;
  std::vector<std::pair<std::string, std::string>> flags;
  std::string config = EnvOr("BROADSHEET_CONFIG_FILE", "");
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    bool own = std::find(own_flags.begin(), own_flags.end(), arg) != own_flags.end();
    bool own_with_value = std::find(own_valued.begin(), own_valued.end(), arg) != own_valued.end();
    if (arg.rfind("--", 0) != 0 || arg == "--" || own || own_with_value) {
      rest.push_back(arg);
      if (own_with_value && i + 1 < argc) rest.push_back(argv[++i]);
      continue;
    }
    std::string name = arg.substr(2), value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
    }
    if (name == "config") {
      config = value;
    } else {
      flags.emplace_back(SettingVariable(name), value);
    }
  }
  // Flags beat the environment; the file only fills what neither set.
  for (const auto& [variable, value] : flags) setenv(variable.c_str(), value.c_str(), 1);
  if (!config.empty()) {
    if (absl::Status s = ApplyConfigFile(config); !s.ok()) return s;
  }
  return rest;
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
