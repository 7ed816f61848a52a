#include "query/lookup_batcher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace broadsheet {
namespace {

using Clock = std::chrono::steady_clock;
using Batcher = LookupBatcher<std::string>;

// A lookup function that records its batches and, while closed, holds every
// batch until Open(): so tests can queue lookups behind a running batch.
class Backend {
 public:
  absl::StatusOr<Batcher::Results> Lookup(const std::vector<std::string>& keys,
                                          Clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mu_);
    batches_.push_back(keys);
    deadlines_.push_back(deadline);
    ++running_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return permits_ != 0; });
    if (permits_ > 0) --permits_;
    --running_;
    if (!error_.ok()) return error_;
    Batcher::Results results;
    for (const std::string& key : keys) {
      if (key.rfind("unknown", 0) == 0) {
        results.emplace_back(std::nullopt);
      } else {
        results.emplace_back("value of " + key);
      }
    }
    if (short_results_) results.pop_back();
    return results;
  }

  Batcher::BatchFn Fn() {
    return [this](const std::vector<std::string>& keys, Clock::time_point deadline) {
      return Lookup(keys, deadline);
    };
  }
  // Holds every batch from now on.
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    permits_ = 0;
  }
  // Lets every batch through.
  void Open() { Allow(-1); }
  // Lets `n` more held batches through (-1: all, from now on).
  void Allow(int n) {
    std::lock_guard<std::mutex> lock(mu_);
    permits_ = n < 0 || permits_ < 0 ? -1 : permits_ + n;
    changed_.notify_all();
  }
  void FailWith(absl::Status error) {
    std::lock_guard<std::mutex> lock(mu_);
    error_ = std::move(error);
  }
  void ReturnTooFewResults() {
    std::lock_guard<std::mutex> lock(mu_);
    short_results_ = true;
  }
  // False when `n` batches are not running within 10 s.
  bool AwaitRunning(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return running_ == n; });
  }
  // False when `n` batches have not begun within 10 s.
  bool AwaitBatches(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return batches_.size() == n; });
  }
  std::vector<std::vector<std::string>> Batches() {
    std::lock_guard<std::mutex> lock(mu_);
    return batches_;
  }
  std::vector<Clock::time_point> Deadlines() {
    std::lock_guard<std::mutex> lock(mu_);
    return deadlines_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  int permits_ = -1;  // batches that may still finish; -1: any
  int running_ = 0;
  bool short_results_ = false;
  absl::Status error_;
  std::vector<std::vector<std::string>> batches_;
  std::vector<Clock::time_point> deadlines_;
};

// The value, or the error as text (a test fails instead of crashing).
std::string ValueOrError(const absl::StatusOr<std::optional<std::string>>& result) {
  if (!result.ok()) return result.status().ToString();
  return result->value_or("(none)");
}

// Waits until `n` lookups are queued; fails the test after 10 s.
void AwaitWaiting(Batcher& batcher, size_t n) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (batcher.Waiting() != n) {
    if (std::chrono::steady_clock::now() > give_up) {
      ADD_FAILURE() << "never " << n << " lookups queued";
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// Collects asynchronous answers (value or error text) in arrival order.
class Answers {
 public:
  Batcher::Done Record() {
    return [this](const Batcher::Result& result) {
      std::lock_guard<std::mutex> lock(mu_);
      got_.push_back(ValueOrError(result));
      changed_.notify_all();
    };
  }
  // False when fewer than `n` answers came within 10 s.
  bool Await(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return got_.size() >= n; });
  }
  std::vector<std::string> Got() {
    std::lock_guard<std::mutex> lock(mu_);
    return got_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::string> got_;
};

const Clock::time_point kNoDeadline = Clock::time_point::max();

TEST(LookupBatcherTest, ALoneLookupRunsAtOnceInABatchOfItsOwn) {
  Backend backend;
  Batcher batcher(1, 32, backend.Fn());
  EXPECT_EQ(ValueOrError(batcher.Lookup("a", kNoDeadline)), "value of a");
  EXPECT_EQ(backend.Batches(), std::vector<std::vector<std::string>>{{"a"}});
}

TEST(LookupBatcherTest, LookupsArrivingWhileEveryWorkerIsBusyShareTheNextBatch) {
  Backend backend;
  Batcher batcher(1, 32, backend.Fn());
  backend.Close();
  std::vector<std::string> keys = {"a", "b", "c", "d", "e", "f"};
  std::vector<std::string> got(keys.size());
  std::vector<std::thread> threads;
  threads.emplace_back([&] { got[0] = ValueOrError(batcher.Lookup(keys[0], kNoDeadline)); });
  backend.AwaitRunning(1);
  for (size_t i = 1; i < keys.size(); ++i) {
    threads.emplace_back([&, i] { got[i] = ValueOrError(batcher.Lookup(keys[i], kNoDeadline)); });
  }
  AwaitWaiting(batcher, keys.size() - 1);
  backend.Open();
  for (std::thread& t : threads) t.join();

  for (size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(got[i], "value of " + keys[i]);
  auto batches = backend.Batches();
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0], std::vector<std::string>{"a"});
  EXPECT_EQ(std::set<std::string>(batches[1].begin(), batches[1].end()),
            std::set<std::string>(keys.begin() + 1, keys.end()));
  EXPECT_EQ(batcher.Waiting(), 0u);
}

TEST(LookupBatcherTest, AsynchronousLookupsShareBatchesAndGetTheirOwnResults) {
  Backend backend;
  Answers answers;
  // Declared after what its callbacks use: it answers them until destroyed.
  Batcher batcher(1, 32, backend.Fn());
  backend.Close();
  batcher.LookupAsync("a", kNoDeadline, answers.Record());
  backend.AwaitRunning(1);
  batcher.LookupAsync("b", kNoDeadline, answers.Record());
  batcher.LookupAsync("unknown-c", kNoDeadline, answers.Record());
  EXPECT_EQ(batcher.Waiting(), 2u);
  backend.Open();
  ASSERT_TRUE(answers.Await(3));
  EXPECT_EQ(answers.Got(), (std::vector<std::string>{"value of a", "value of b", "(none)"}));
  using Keys = std::vector<std::string>;
  EXPECT_EQ(backend.Batches(), (std::vector<Keys>{{"a"}, {"b", "unknown-c"}}));
}

TEST(LookupBatcherTest, QueuedLookupsAreCancelledWhenTheBatcherStops) {
  Backend backend;
  Answers answers;
  auto batcher = std::make_unique<Batcher>(1, 32, backend.Fn());
  backend.Close();
  batcher->LookupAsync("running", kNoDeadline, answers.Record());
  backend.AwaitRunning(1);
  batcher->LookupAsync("queued", kNoDeadline, answers.Record());
  // The destructor answers the queued lookup at once, then waits for the
  // running batch, which is let through only after that answer.
  std::thread stop([&] { batcher.reset(); });
  EXPECT_TRUE(answers.Await(1));
  backend.Open();
  stop.join();
  std::vector<std::string> got = answers.Got();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_NE(got[0].find("CANCELLED"), std::string::npos) << got[0];
  EXPECT_EQ(got[1], "value of running");
  EXPECT_EQ(backend.Batches().size(), 1u);
}

TEST(LookupBatcherTest, CancelQueuedAnswersTheQueuedLookupsAndLeavesTheRunningBatch) {
  Backend backend;
  Batcher batcher(1, 32, backend.Fn());
  backend.Close();
  std::string running;
  std::thread busy([&] { running = ValueOrError(batcher.Lookup("running", kNoDeadline)); });
  backend.AwaitRunning(1);
  absl::Status queued;
  std::thread waiting([&] { queued = batcher.Lookup("queued", kNoDeadline).status(); });
  AwaitWaiting(batcher, 1);
  batcher.CancelQueued(absl::CancelledError("shutting down"));
  waiting.join();  // answered while the batch before it is still held
  EXPECT_EQ(queued.code(), absl::StatusCode::kCancelled) << queued;
  EXPECT_EQ(batcher.Waiting(), 0u);
  backend.Open();
  busy.join();
  EXPECT_EQ(running, "value of running");
  EXPECT_EQ(ValueOrError(batcher.Lookup("later", kNoDeadline)), "value of later");
}

TEST(LookupBatcherTest, BatchesTakeAtMostTheBatchSizeInArrivalOrder) {
  Backend backend;
  Batcher batcher(1, 2, backend.Fn());
  backend.Close();
  std::vector<std::thread> threads;
  threads.emplace_back([&] { EXPECT_TRUE(batcher.Lookup("first", kNoDeadline).ok()); });
  backend.AwaitRunning(1);
  for (int i = 0; i < 5; ++i) {
    threads.emplace_back(
        [&, i] { EXPECT_TRUE(batcher.Lookup("k" + std::to_string(i), kNoDeadline).ok()); });
    AwaitWaiting(batcher, static_cast<size_t>(i) + 1);  // a known arrival order
  }
  backend.Open();
  for (std::thread& t : threads) t.join();
  using Keys = std::vector<std::string>;
  EXPECT_EQ(backend.Batches(), (std::vector<Keys>{{"first"}, {"k0", "k1"}, {"k2", "k3"}, {"k4"}}));
}

TEST(LookupBatcherTest, TwoWorkersRunTwoBatchesAtOnce) {
  Backend backend;
  Batcher batcher(2, 32, backend.Fn());
  backend.Close();
  std::thread a([&] { EXPECT_TRUE(batcher.Lookup("a", kNoDeadline).ok()); });
  EXPECT_TRUE(backend.AwaitRunning(1));
  std::thread b([&] { EXPECT_TRUE(batcher.Lookup("b", kNoDeadline).ok()); });
  EXPECT_TRUE(backend.AwaitRunning(2)) << "the second lookup did not get the second worker";
  EXPECT_EQ(batcher.Waiting(), 0u);
  backend.Open();
  a.join();
  b.join();
  EXPECT_EQ(backend.Batches().size(), 2u);
}

TEST(LookupBatcherTest, UnknownKeysGetNoValueAndAFailedBatchFailsEachOfItsLookups) {
  Backend backend;
  Batcher batcher(1, 32, backend.Fn());
  auto unknown = batcher.Lookup("unknown-1", kNoDeadline);
  ASSERT_TRUE(unknown.ok()) << unknown.status();
  EXPECT_FALSE(unknown->has_value());

  backend.Close();
  backend.FailWith(absl::UnavailableError("database down"));
  std::vector<absl::Status> statuses(3);
  std::vector<std::thread> threads;
  threads.emplace_back([&] { statuses[0] = batcher.Lookup("a", kNoDeadline).status(); });
  backend.AwaitRunning(1);
  threads.emplace_back([&] { statuses[1] = batcher.Lookup("b", kNoDeadline).status(); });
  threads.emplace_back([&] { statuses[2] = batcher.Lookup("c", kNoDeadline).status(); });
  AwaitWaiting(batcher, 2);
  backend.Open();
  for (std::thread& t : threads) t.join();
  for (const absl::Status& status : statuses) {
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  }
}

TEST(LookupBatcherTest, AResultCountUnlikeTheKeysIsAnInternalError) {
  Backend backend;
  Batcher batcher(1, 32, backend.Fn());
  backend.ReturnTooFewResults();
  EXPECT_EQ(batcher.Lookup("a", kNoDeadline).status().code(), absl::StatusCode::kInternal);
}

TEST(LookupBatcherTest, AQueuedLookupGivesUpAtItsDeadlineAndIsNotLookedUp) {
  Backend backend;
  Batcher batcher(1, 32, backend.Fn());
  backend.Close();
  std::thread busy([&] { EXPECT_TRUE(batcher.Lookup("busy", kNoDeadline).ok()); });
  backend.AwaitRunning(1);
  auto late = batcher.Lookup("late", Clock::now() + std::chrono::milliseconds(30));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kDeadlineExceeded) << late.status();
  backend.Open();
  busy.join();
  auto next = batcher.Lookup("next", kNoDeadline);
  ASSERT_TRUE(next.ok()) << next.status();
  using Keys = std::vector<std::string>;
  EXPECT_EQ(backend.Batches(), (std::vector<Keys>{{"busy"}, {"next"}}));
}

TEST(LookupBatcherTest, ALookupTimingOutAtTheFrontLeavesTheRestToBeLookedUp) {
  Backend backend;
  Batcher batcher(1, 32, backend.Fn());
  backend.Close();
  std::thread busy([&] { EXPECT_TRUE(batcher.Lookup("busy", kNoDeadline).ok()); });
  backend.AwaitRunning(1);
  absl::Status front_status;
  std::thread front([&] {
    front_status = batcher.Lookup("front", Clock::now() + std::chrono::milliseconds(30)).status();
  });
  AwaitWaiting(batcher, 1);
  std::string behind_value;
  std::thread behind([&] { behind_value = ValueOrError(batcher.Lookup("behind", kNoDeadline)); });
  front.join();
  EXPECT_EQ(front_status.code(), absl::StatusCode::kDeadlineExceeded) << front_status;
  backend.Open();
  busy.join();
  behind.join();
  EXPECT_EQ(behind_value, "value of behind");
  using Keys = std::vector<std::string>;
  EXPECT_EQ(backend.Batches(), (std::vector<Keys>{{"busy"}, {"behind"}}));
}

TEST(LookupBatcherTest, ALookupFunctionThatThrowsFailsItsBatchAndTheWorkerGoesOn) {
  int calls = 0;
  Batcher batcher(1, 32, [&](const std::vector<std::string>& keys, Clock::time_point) {
    if (++calls == 1) throw std::runtime_error("out of luck");
    return absl::StatusOr<Batcher::Results>(Batcher::Results(keys.size(), "fine"));
  });
  auto failed = batcher.Lookup("a", kNoDeadline);
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kInternal) << failed.status();
  EXPECT_EQ(ValueOrError(batcher.Lookup("b", kNoDeadline)), "fine");
}

TEST(LookupBatcherTest, AnAnswerThatThrowsLeavesTheRestOfTheBatchAnswered) {
  Backend backend;
  Answers answers;
  Batcher batcher(1, 32, backend.Fn());
  backend.Close();
  batcher.LookupAsync("busy", kNoDeadline, [](const Batcher::Result&) {});
  backend.AwaitRunning(1);
  batcher.LookupAsync("thrower", kNoDeadline, [](const Batcher::Result&) {
    throw std::runtime_error("a careless callback");
  });
  batcher.LookupAsync("after", kNoDeadline, answers.Record());
  AwaitWaiting(batcher, 2);
  backend.Open();
  ASSERT_TRUE(answers.Await(1));
  EXPECT_EQ(answers.Got(), std::vector<std::string>{"value of after"});
  EXPECT_EQ(ValueOrError(batcher.Lookup("later", kNoDeadline)), "value of later");
}

TEST(LookupBatcherTest, ALookupInARunningBatchGivesUpAtItsOwnDeadline) {
  Backend backend;
  Batcher batcher(1, 32, backend.Fn());
  backend.Close();
  std::thread busy([&] { EXPECT_TRUE(batcher.Lookup("busy", kNoDeadline).ok()); });
  backend.AwaitRunning(1);
  absl::Status follower_status;
  std::thread leader([&] { EXPECT_TRUE(batcher.Lookup("leader", kNoDeadline).ok()); });
  AwaitWaiting(batcher, 1);
  // Long enough to join the leader's batch on a slow machine.
  std::thread follower([&] {
    follower_status = batcher.Lookup("follower", Clock::now() + std::chrono::seconds(3)).status();
  });
  AwaitWaiting(batcher, 2);
  backend.Allow(1);
  busy.join();
  // The second batch ("leader", "follower") is held; the follower's
  // deadline passes while it runs.
  EXPECT_TRUE(backend.AwaitBatches(2));
  follower.join();
  EXPECT_EQ(follower_status.code(), absl::StatusCode::kDeadlineExceeded) << follower_status;
  backend.Open();
  leader.join();
  auto batches = backend.Batches();
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[1], (std::vector<std::string>{"leader", "follower"}));
}

TEST(LookupBatcherTest, ABatchRunsUntilTheLatestDeadlineAmongItsLookups) {
  Backend backend;
  Batcher batcher(1, 32, backend.Fn());
  backend.Close();
  const Clock::time_point now = Clock::now();
  const Clock::time_point soon = now + std::chrono::seconds(20);
  const Clock::time_point later = now + std::chrono::seconds(30);
  std::thread busy([&] { EXPECT_TRUE(batcher.Lookup("busy", soon).ok()); });
  backend.AwaitRunning(1);
  std::thread a([&] { EXPECT_TRUE(batcher.Lookup("a", soon).ok()); });
  std::thread b([&] { EXPECT_TRUE(batcher.Lookup("b", later).ok()); });
  AwaitWaiting(batcher, 2);
  backend.Open();
  busy.join();
  a.join();
  b.join();
  auto deadlines = backend.Deadlines();
  ASSERT_EQ(deadlines.size(), 2u);
  EXPECT_EQ(deadlines[0], soon);
  EXPECT_EQ(deadlines[1], later);
}

}  // namespace
}  // namespace broadsheet
