#include "indexer/gin_cleaner.h"

#include <pqxx/pqxx>

#include "common/log.h"

namespace broadsheet {
namespace {

// One cleaner at a time across all indexers.
constexpr long long kCleanerLock = 7021985530061504117LL;

}  // namespace

GinCleaner::GinCleaner(std::string database_url, std::string index_name,
                       std::chrono::milliseconds min_interval)
    : database_url_(std::move(database_url)),
      index_name_(std::move(index_name)),
      min_interval_(min_interval) {
  thread_ = std::thread([this] { Run(); });
}

GinCleaner::~GinCleaner() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void GinCleaner::Kick() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    kicked_ = true;
  }
  wake_.notify_all();
}

void GinCleaner::CleanOnce() {
  if (!conn_) {
    conn_ = std::make_unique<pqxx::connection>(database_url_);
    // The merge gathers the pending entries in maintenance_work_mem and
    // writes each key's posting list once per fill: with the default 64 MB
    // it flushed several times per merge at full ingest rate, rewriting the
    // same long posting lists each time.
    pqxx::nontransaction(*conn_).exec("SET maintenance_work_mem = '512MB'");
  }
  pqxx::work txn(*conn_);
  if (!txn.exec_params1("SELECT pg_try_advisory_xact_lock($1)", kCleanerLock)[0].as<bool>()) {
    return;
  }
  txn.exec_params("SELECT gin_clean_pending_list($1::regclass)", index_name_);
  txn.commit();
}

void GinCleaner::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  auto last = std::chrono::steady_clock::now() - min_interval_;
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || kicked_; });
    if (stopping_) return;
    // At most one merge per interval; kicks in between fold into one.
    const auto due = last + min_interval_;
    if (wake_.wait_until(lock, due, [&] { return stopping_; })) return;
    kicked_ = false;
    lock.unlock();
    try {
      CleanOnce();
    } catch (const std::exception& e) {
      conn_.reset();  // reconnect on the next kick; inserts still merge by themselves
      LogWarn("GIN pending-list merge failed", {{"error", e.what()}});
    }
    lock.lock();
    last = std::chrono::steady_clock::now();
  }
}

}  // namespace broadsheet
