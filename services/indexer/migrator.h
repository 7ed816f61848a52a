// Applies versioned SQL migrations (`NNN_name.sql`, in order) to PostgreSQL.
// Each migration runs in its own transaction and is recorded in
// schema_migrations. A transaction-level advisory lock serialises indexers
// that start together, so each migration is applied exactly once.
#ifndef BROADSHEET_SERVICES_INDEXER_MIGRATOR_H_
#define BROADSHEET_SERVICES_INDEXER_MIGRATOR_H_

#include <string>

#include "absl/status/statusor.h"

namespace broadsheet {

// Returns how many migrations were applied now (0 when up to date).
absl::StatusOr<int> ApplyMigrations(const std::string& database_url,
                                    const std::string& migrations_dir);

}  // namespace broadsheet

#endif  // BROADSHEET_SERVICES_INDEXER_MIGRATOR_H_
