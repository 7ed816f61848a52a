#include "query/pg_pool.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace broadsheet {

PgPool::PgPool(std::string database_url, int size, std::function<void(pqxx::connection&)> prepare)
    : database_url_(std::move(database_url)), prepare_(std::move(prepare)), free_slots_(size) {}

absl::StatusOr<PgPool::Lease> PgPool::Acquire(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!waiters_.empty() || UnreservedLocked() <= 0) {
    Waiter me;
    waiters_.push_back(&me);
    auto granted = [&] { return me.granted; };
    if (deadline == std::chrono::steady_clock::time_point::max()) {
      me.turn.wait(lock, granted);
    } else if (!me.turn.wait_until(lock, deadline, granted)) {
      waiters_.erase(std::find(waiters_.begin(), waiters_.end(), &me));
      return absl::DeadlineExceededError(
          "every database connection of the query service was busy until the deadline");
    }
    --reserved_;  // what was reserved for me is taken below
  }
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
    GrantLocked();
    return absl::UnavailableError(absl::StrCat("database: ", e.what()));
  }
}

int PgPool::UnreservedLocked() const {
  return static_cast<int>(idle_.size()) + free_slots_ - reserved_;
}

void PgPool::GrantLocked() {
  while (!waiters_.empty() && UnreservedLocked() > 0) {
    Waiter* next = waiters_.front();
    waiters_.pop_front();
    next->granted = true;
    ++reserved_;
    next->turn.notify_one();
  }
}

void PgPool::DiscardIdle() {
  std::vector<std::unique_ptr<pqxx::connection>> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    free_slots_ += static_cast<int>(idle_.size());
    dropped.swap(idle_);
    GrantLocked();
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
  GrantLocked();
}

}  // namespace broadsheet
