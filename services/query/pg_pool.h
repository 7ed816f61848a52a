// A fixed-size pool of PostgreSQL connections, each with the query
// service's statements prepared. Acquire() blocks until a connection is free
// or the caller's deadline passes; waiters are served first come, first
// served (a condition variable alone lets newcomers overtake, which made
// the latency tail under load). The size also caps how many statements of
// the pool's kind run at once, so it doubles as a concurrency limit.
// A lease whose connection broke is reopened on next use. Thread-safe.
#ifndef BROADSHEET_SERVICES_QUERY_PG_POOL_H_
#define BROADSHEET_SERVICES_QUERY_PG_POOL_H_

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"

namespace broadsheet {

class PgPool {
 public:
  // `prepare` runs on every new connection (to prepare statements).
  PgPool(std::string database_url, int size, std::function<void(pqxx::connection&)> prepare);

  class Lease {
   public:
    Lease(PgPool* pool, std::unique_ptr<pqxx::connection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(std::move(other.conn_)) {
      other.pool_ = nullptr;
    }
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (pool_ != nullptr) pool_->Release(std::move(conn_));
    }
    pqxx::connection& operator*() { return *conn_; }
    // Drops the connection instead of returning it (after a broken one).
    void Discard() { conn_.reset(); }

   private:
    PgPool* pool_;
    std::unique_ptr<pqxx::connection> conn_;
  };

  // UNAVAILABLE when no connection can be opened; DEADLINE_EXCEEDED when
  // none is free before `deadline`.
  absl::StatusOr<Lease> Acquire(
      std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max());

  // Closes every idle connection (after one was found broken: a restarted
  // server breaks them all); leased ones return as usual.
  void DiscardIdle();

 private:
  struct Waiter {
    std::condition_variable turn;
    bool granted = false;  // a connection or slot is reserved for it
  };
  void Release(std::unique_ptr<pqxx::connection> conn);
  // Idle connections plus slots to open, less those granted to waiters.
  int UnreservedLocked() const;
  // Hands what is free (beyond what is reserved) to the longest waiters.
  void GrantLocked();

  std::string database_url_;
  std::function<void(pqxx::connection&)> prepare_;
  std::mutex mu_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  int free_slots_;    // connections that may still be opened
  int reserved_ = 0;  // idle connections or slots granted to woken waiters
  std::deque<Waiter*> waiters_;
};

}  // namespace broadsheet

#endif  // BROADSHEET_SERVICES_QUERY_PG_POOL_H_
