// LookupBatcher: coalesces concurrent lookups by key into batches, so that
// under load one database round trip serves many callers.
//
// `workers` threads run the batches, one at a time each. An idle worker
// takes a lookup as soon as it arrives, alone if it is alone: an idle
// service adds only the hand-over to the worker. Lookups that arrive while
// every worker is busy queue, and the next free worker takes every queued
// lookup at once (up to `max_batch_size`, in arrival order).
//
// Why: a GetArticle's fixed costs (a statement's execution, the round trip
// and the thread wake-ups on both sides) are most of its CPU, and on a busy
// machine CPU per call is what sets the rate and the latency tail. The
// asynchronous form lets a gRPC callback handler queue a lookup without
// holding a thread while it waits.
//
// Deadlines: a lookup whose deadline has passed when a worker takes it is
// answered DEADLINE_EXCEEDED without being looked up. A batch runs until the
// latest deadline among its lookups, so a short deadline in the batch never
// fails the others; the blocking form returns DEADLINE_EXCEEDED at its own
// deadline, whether queued or in a running batch. Since a batch's fate is
// shared, callers should give every lookup a deadline: one without holds its
// whole batch for as long as the lookup takes.
//
// Thread-safe. The destructor answers queued lookups CANCELLED and waits for
// the running batches. `done` callbacks must not throw (what they throw is
// dropped).
#ifndef BROADSHEET_SERVICES_QUERY_LOOKUP_BATCHER_H_
#define BROADSHEET_SERVICES_QUERY_LOOKUP_BATCHER_H_

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace broadsheet {

template <typename Value>
class LookupBatcher {
 public:
  using Deadline = std::chrono::steady_clock::time_point;
  // The value for a key; nullopt when there is none.
  using Result = absl::StatusOr<std::optional<Value>>;
  // Receives a lookup's result, on a worker thread; must not block long.
  using Done = std::function<void(Result)>;
  // One entry per key, in the keys' order; nullopt: no value for the key.
  using Results = std::vector<std::optional<Value>>;
  // Looks up `keys` (which may repeat) until `deadline`; an error fails
  // every lookup of the batch. Runs on a worker thread.
  using BatchFn = std::function<absl::StatusOr<Results>(const std::vector<std::string>& keys,
                                                        Deadline deadline)>;

  LookupBatcher(int workers, int max_batch_size, BatchFn lookup)
      : max_batch_size_(static_cast<size_t>(std::max(1, max_batch_size))),
        lookup_(std::move(lookup)) {
    for (int i = 0; i < std::max(1, workers); ++i) workers_.emplace_back([this] { Work(); });
  }

  ~LookupBatcher() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    work_.notify_all();
    CancelQueued(absl::CancelledError("the service is shutting down"));
    for (std::thread& worker : workers_) worker.join();
  }

  LookupBatcher(const LookupBatcher&) = delete;
  LookupBatcher& operator=(const LookupBatcher&) = delete;

  // Queues a lookup of `key`; `done` receives its result.
  void LookupAsync(std::string key, Deadline deadline, Done done) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(Request{std::move(key), deadline, std::move(done)});
    }
    work_.notify_one();
  }

  // Looks `key` up and waits for the result, until `deadline` at most.
  Result Lookup(const std::string& key, Deadline deadline) {
    // Shared: a lookup given up at its deadline is still answered later.
    struct Reply {
      std::mutex mu;
      std::condition_variable ready;
      std::optional<Result> result;
    };
    auto reply = std::make_shared<Reply>();
    LookupAsync(key, deadline, [reply](Result result) {
      std::lock_guard<std::mutex> lock(reply->mu);
      reply->result = std::move(result);
      reply->ready.notify_one();
    });
    std::unique_lock<std::mutex> lock(reply->mu);
    auto answered = [&] { return reply->result.has_value(); };
    if (deadline == Deadline::max()) {
      reply->ready.wait(lock, answered);
    } else if (!reply->ready.wait_until(lock, deadline, answered)) {
      return absl::DeadlineExceededError("database lookup did not finish before the deadline");
    }
    return std::move(*reply->result);
  }

  // Answers every lookup no worker has taken yet with `status`, now
  // (running batches go on; later lookups queue as usual).
  void CancelQueued(const absl::Status& status) {
    std::deque<Request> cancelled;
    {
      std::lock_guard<std::mutex> lock(mu_);
      cancelled.swap(queue_);
    }
    for (Request& request : cancelled) Answer(request, status);
  }

  // Lookups no worker has taken yet.
  size_t Waiting() {
    std::lock_guard<std::mutex> lock(mu_);
    return queue_.size();
  }

  // Batches looked up so far (each one statement, for the ArticleReader).
  uint64_t BatchesRun() {
    std::lock_guard<std::mutex> lock(mu_);
    return batches_run_;
  }

 private:
  struct Request {
    std::string key;
    Deadline deadline;
    Done done;
  };

  static void Answer(Request& request, Result result) {
    try {
      request.done(std::move(result));
    } catch (...) {  // NOLINT(bugprone-empty-catch): the contract forbids it; the batch goes on
    }
  }

  void Work() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      std::vector<Request> batch;
      const size_t size = std::min(queue_.size(), max_batch_size_);
      batch.reserve(size);
      for (size_t i = 0; i < size; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      lock.unlock();
      RunBatch(std::move(batch));
      lock.lock();
    }
  }

  void RunBatch(std::vector<Request> batch) {
    const Deadline now = std::chrono::steady_clock::now();
    std::vector<Request> live;
    live.reserve(batch.size());
    std::vector<std::string> keys;
    keys.reserve(batch.size());
    Deadline deadline = Deadline::min();
    for (Request& request : batch) {
      if (request.deadline <= now) {
        Answer(request, absl::DeadlineExceededError("deadline passed before the database lookup"));
        continue;
      }
      keys.push_back(request.key);
      deadline = std::max(deadline, request.deadline);
      live.push_back(std::move(request));
    }
    if (live.empty()) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++batches_run_;
    }
    absl::StatusOr<Results> results = absl::InternalError("batch lookup failed");
    // The lookups of the batch must be answered whatever happens.
    try {
      results = lookup_(keys, deadline);
    } catch (const std::exception& e) {
      results = absl::InternalError(std::string("batch lookup failed: ") + e.what());
    } catch (...) {
      results = absl::InternalError("batch lookup failed");
    }
    if (results.ok() && results->size() != keys.size()) {
      results = absl::InternalError("batch lookup returned a result count unlike its key count");
    }
    for (size_t i = 0; i < live.size(); ++i) {
      Answer(live[i], results.ok() ? Result(std::move((*results)[i])) : Result(results.status()));
    }
  }

  const size_t max_batch_size_;
  const BatchFn lookup_;
  std::mutex mu_;
  std::condition_variable work_;  // a lookup is queued, or stopping_
  std::deque<Request> queue_;     // guarded by mu_
  bool stopping_ = false;         // guarded by mu_
  uint64_t batches_run_ = 0;      // guarded by mu_
  std::vector<std::thread> workers_;
};

}  // namespace broadsheet

#endif  // BROADSHEET_SERVICES_QUERY_LOOKUP_BATCHER_H_
