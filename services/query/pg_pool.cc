#include "query/pg_pool.h"

#include "absl/strings/str_cat.h"

namespace broadsheet {

PgPool::PgPool(std::string database_url, int size, std::function<void(pqxx::connection&)> prepare)
    : database_url_(std::move(database_url)), prepare_(std::move(prepare)), free_slots_(size) {}

absl::StatusOr<PgPool::Lease> PgPool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  available_.wait(lock, [&] { return !idle_.empty() || free_slots_ > 0; });
  if (!idle_.empty()) {
    std::unique_ptr<pqxx::connection> conn = std::move(idle_.back());
    idle_.pop_back();
    if (conn->is_open()) return Lease(this, std::move(conn));
    ++free_slots_;  // broken: open a fresh one below
  }
  --free_slots_;
  lock.unlock();
  try {
    auto conn = std::make_unique<pqxx::connection>(database_url_);
    prepare_(*conn);
    return Lease(this, std::move(conn));
  } catch (const std::exception& e) {
    std::lock_guard<std::mutex> relock(mu_);
    ++free_slots_;
    available_.notify_one();
    return absl::UnavailableError(absl::StrCat("database: ", e.what()));
  }
}

void PgPool::DiscardIdle() {
  std::vector<std::unique_ptr<pqxx::connection>> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    free_slots_ += static_cast<int>(idle_.size());
    dropped.swap(idle_);
    available_.notify_all();
  }
  // Closed outside the lock.
}

void PgPool::Release(std::unique_ptr<pqxx::connection> conn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (conn && conn->is_open()) {
    idle_.push_back(std::move(conn));
  } else {
    ++free_slots_;
  }
  available_.notify_one();
}

}  // namespace broadsheet
