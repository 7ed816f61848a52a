// GinCleaner merges the full-text index's pending list into the GIN tree on
// its own database connection, in the background, so that the merge (the
// largest single cost of writing articles) overlaps with the indexer's next
// batches instead of stalling the batch whose insert fills the list.
//
// Kick() after each committed batch; the cleaner runs
// gin_clean_pending_list() at most once per `min_interval` and only when no
// other indexer's cleaner is running (an advisory lock). Inserting backends
// still merge by themselves if the list reaches gin_pending_list_limit
// (migrations/003), so this only ever moves work off the write path.
//
// Thread-safe: Kick() may be called from any thread.
#ifndef BROADSHEET_SERVICES_INDEXER_GIN_CLEANER_H_
#define BROADSHEET_SERVICES_INDEXER_GIN_CLEANER_H_

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <pqxx/connection>

namespace broadsheet {

class GinCleaner {
 public:
  GinCleaner(std::string database_url, std::string index_name,
             std::chrono::milliseconds min_interval);
  ~GinCleaner();  // stops after the merge in progress, if any

  GinCleaner(const GinCleaner&) = delete;
  GinCleaner& operator=(const GinCleaner&) = delete;

  void Kick();

 private:
  void Run();
  // One merge, skipped when another cleaner holds the lock. Throws on
  // database errors.
  void CleanOnce();

  const std::string database_url_;
  const std::string index_name_;
  const std::chrono::milliseconds min_interval_;
  std::unique_ptr<pqxx::connection> conn_;  // only the cleaner thread uses it
  std::mutex mu_;
  std::condition_variable wake_;
  bool kicked_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace broadsheet

#endif  // BROADSHEET_SERVICES_INDEXER_GIN_CLEANER_H_
