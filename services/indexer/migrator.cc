#include "indexer/migrator.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace broadsheet {
namespace {

// Any fixed number: the key of the advisory lock taken while migrating.
constexpr int64_t kMigrationLockKey = 0x62726f6164736874;  // "broadsht"

}  // namespace

absl::StatusOr<int> ApplyMigrations(const std::string& database_url,
                                    const std::string& migrations_dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(migrations_dir, ec)) {
    if (entry.path().extension() == ".sql") files.push_back(entry.path());
  }
  if (ec) return absl::NotFoundError(absl::StrCat("migrations dir ", migrations_dir, ": ", ec.message()));
  std::sort(files.begin(), files.end());
  int applied = 0;
  try {
    pqxx::connection conn(database_url);
    {
      pqxx::work txn(conn);
      txn.exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations ("
          " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
      txn.commit();
    }
    for (const auto& file : files) {
      std::string version = file.stem().string();
      std::ifstream in(file);
      std::stringstream sql;
      sql << in.rdbuf();
      pqxx::work txn(conn);
      txn.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLockKey) + ")");
      pqxx::result done =
          txn.exec_params("SELECT 1 FROM schema_migrations WHERE version = $1", version);
      if (!done.empty()) continue;  // txn aborts on scope exit, releasing the lock
      txn.exec(sql.str());
      txn.exec_params("INSERT INTO schema_migrations (version) VALUES ($1)", version);
      txn.commit();
      ++applied;
      LogInfo("migration applied", {{"version", version}});
    }
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("migrations: ", e.what()));
  }
  return applied;
}

}  // namespace broadsheet
