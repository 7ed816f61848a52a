// LookupBatcher: coalesces concurrent lookups by key into batches, so that
// under load one database round trip serves many callers.
//
// At most `max_in_flight` batches run at once. A lookup that finds a free
// slot runs at once, alone if it is alone: an idle service adds no waiting.
// A lookup that arrives while every slot is busy queues; when a batch ends,
// the oldest queued lookup leads the next batch and takes every queued
// lookup with it (up to `max_batch_size`, in arrival order). The leader runs
// the batch on its own thread; the others wait for their result.
//
// Why: a GetArticle's fixed costs (a statement's execution, the round trip
// and the thread wake-ups on both sides) are most of its CPU, and on a busy
// machine CPU per call is what sets the rate and the latency tail.
//
// Deadlines: a queued lookup gives up with DEADLINE_EXCEEDED at its own
// deadline. A batch runs until the latest deadline among its lookups, so a
// short deadline in the batch never fails the others; a lookup whose own
// deadline passes while its batch runs returns DEADLINE_EXCEEDED then
// (only the leader, which runs the batch, returns when the batch ends).
// Since a batch's fate is shared, callers should give every lookup a
// deadline: one without holds its whole batch for as long as it takes.
//
// Thread-safe.
#ifndef BROADSHEET_SERVICES_QUERY_LOOKUP_BATCHER_H_
#define BROADSHEET_SERVICES_QUERY_LOOKUP_BATCHER_H_

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace broadsheet {

template <typename Value>
class LookupBatcher {
 public:
  using Deadline = std::chrono::steady_clock::time_point;
  // One entry per key, in the keys' order; nullopt: no value for the key.
  using Results = std::vector<std::optional<Value>>;
  // Looks up `keys` (which may repeat) until `deadline`; an error fails
  // every lookup of the batch. Called without the batcher's lock held.
  using BatchFn = std::function<absl::StatusOr<Results>(const std::vector<std::string>& keys,
                                                        Deadline deadline)>;

  LookupBatcher(int max_in_flight, int max_batch_size, BatchFn lookup)
      : max_in_flight_(std::max(1, max_in_flight)),
        max_batch_size_(static_cast<size_t>(std::max(1, max_batch_size))),
        lookup_(std::move(lookup)) {}

  // Lookups waiting for a batch (not those in a running one).
  size_t Waiting() {
    std::lock_guard<std::mutex> lock(mu_);
    return queue_.size();
  }

  // The value for `key`, nullopt when there is none.
  absl::StatusOr<std::optional<Value>> Lookup(const std::string& key, Deadline deadline) {
    auto request = std::make_shared<Request>();
    request->key = key;
    request->deadline = deadline;
    std::unique_lock<std::mutex> lock(mu_);
    queue_.push_back(request);
    while (!request->done) {
      if (!request->taken && in_flight_ < max_in_flight_ && queue_.front() == request) {
        RunBatch(lock);
        continue;
      }
      if (deadline == Deadline::max()) {
        request->turn.wait(lock);
        continue;
      }
      if (request->turn.wait_until(lock, deadline) == std::cv_status::timeout && !request->done) {
        if (!request->taken) {
          queue_.erase(std::find(queue_.begin(), queue_.end(), request));
          WakeNextLeaderLocked();
        }
        // A batch that took it finishes on its own; `request` outlives us
        // there through the batch's reference.
        return absl::DeadlineExceededError("database lookup did not finish before the deadline");
      }
    }
    return std::move(request->result);
  }

 private:
  struct Request {
    std::string key;
    Deadline deadline;
    std::condition_variable turn;
    bool taken = false;  // in a running batch
    bool done = false;   // `result` is set
    absl::StatusOr<std::optional<Value>> result;
  };

  // Runs the queue's head as one batch; `lock` is released meanwhile.
  void RunBatch(std::unique_lock<std::mutex>& lock) {
    std::vector<std::shared_ptr<Request>> batch;
    const size_t size = std::min(queue_.size(), max_batch_size_);
    batch.reserve(size);
    std::vector<std::string> keys;
    keys.reserve(size);
    Deadline deadline = Deadline::min();
    for (size_t i = 0; i < size; ++i) {
      std::shared_ptr<Request> request = std::move(queue_.front());
      queue_.pop_front();
      request->taken = true;
      keys.push_back(request->key);
      deadline = std::max(deadline, request->deadline);
      batch.push_back(std::move(request));
    }
    ++in_flight_;
    // Another slot may be free for what is still queued.
    WakeNextLeaderLocked();
    lock.unlock();
    absl::StatusOr<Results> results = absl::InternalError("batch lookup failed");
    try {
      results = lookup_(keys, deadline);
    } catch (const std::exception& e) {
      // Every follower waits on this batch, and the slot must come back.
      results = absl::InternalError(std::string("batch lookup failed: ") + e.what());
    }
    if (results.ok() && results->size() != keys.size()) {
      results = absl::InternalError("batch lookup returned a result count unlike its key count");
    }
    lock.lock();
    --in_flight_;
    for (size_t i = 0; i < batch.size(); ++i) {
      Request& request = *batch[i];
      if (results.ok()) {
        request.result = std::move((*results)[i]);
      } else {
        request.result = results.status();
      }
      request.done = true;
      request.turn.notify_one();
    }
    WakeNextLeaderLocked();
  }

  // Wakes the oldest queued lookup when a slot is free, to lead a batch.
  void WakeNextLeaderLocked() {
    if (!queue_.empty() && in_flight_ < max_in_flight_) queue_.front()->turn.notify_one();
  }

  const int max_in_flight_;
  const size_t max_batch_size_;
  const BatchFn lookup_;
  std::mutex mu_;
  std::deque<std::shared_ptr<Request>> queue_;  // guarded by mu_
  int in_flight_ = 0;                           // guarded by mu_
};

}  // namespace broadsheet

#endif  // BROADSHEET_SERVICES_QUERY_LOOKUP_BATCHER_H_
