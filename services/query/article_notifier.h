// ArticleNotifier: one PostgreSQL connection LISTENing on the channel the
// indexer NOTIFYs after each committed batch (broadsheet_articles), fanned
// out to any number of waiters through a generation counter. Waiters call
// WaitForChange() with the generation they last saw and re-read the table
// when it moved; a reconnect also moves it, so nothing is missed while the
// listener was away. Thread-safe; Start() once, Stop() before destruction.
#ifndef BROADSHEET_SERVICES_QUERY_ARTICLE_NOTIFIER_H_
#define BROADSHEET_SERVICES_QUERY_ARTICLE_NOTIFIER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace broadsheet {

inline constexpr char kArticlesChannel[] = "broadsheet_articles";

class ArticleNotifier {
 public:
  ArticleNotifier(std::string database_url, std::string channel);
  ~ArticleNotifier();
  ArticleNotifier(const ArticleNotifier&) = delete;
  ArticleNotifier& operator=(const ArticleNotifier&) = delete;

  void Start();
  // Stops the listener and wakes every waiter.
  void Stop();

  uint64_t generation();
  // Blocks until the generation differs from `seen`, Stop() is called, or
  // `timeout` passes; returns the current generation.
  uint64_t WaitForChange(uint64_t seen, std::chrono::milliseconds timeout);

 private:
  void Run();
  void Bump();

  const std::string database_url_;
  const std::string channel_;
  std::mutex mu_;
  std::condition_variable changed_;
  uint64_t generation_ = 0;  // guarded by mu_
  bool stopping_ = false;    // guarded by mu_
  std::thread thread_;
};

}  // namespace broadsheet

#endif  // BROADSHEET_SERVICES_QUERY_ARTICLE_NOTIFIER_H_
