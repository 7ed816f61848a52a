#include "query/article_notifier.h"

#include <functional>

#include <pqxx/pqxx>

#include "common/log.h"

namespace broadsheet {
namespace {

class Receiver : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& conn, const std::string& channel, std::function<void()> on_notify)
      : pqxx::notification_receiver(conn, channel), on_notify_(std::move(on_notify)) {}
  void operator()(const std::string& payload, int backend_pid) override { on_notify_(); }

 private:
  std::function<void()> on_notify_;
};

}  // namespace

ArticleNotifier::ArticleNotifier(std::string database_url, std::string channel)
    : database_url_(std::move(database_url)), channel_(std::move(channel)) {}

ArticleNotifier::~ArticleNotifier() { Stop(); }

void ArticleNotifier::Start() { thread_ = std::thread([this] { Run(); }); }

void ArticleNotifier::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t ArticleNotifier::generation() {
  std::lock_guard<std::mutex> lock(mu_);
  return generation_;
}

uint64_t ArticleNotifier::WaitForChange(uint64_t seen, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait_for(lock, timeout, [&] { return generation_ != seen || stopping_; });
  return generation_;
}

void ArticleNotifier::Bump() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++generation_;
  }
  changed_.notify_all();
}

void ArticleNotifier::Run() {
  auto stopping = [this] {
    std::lock_guard<std::mutex> lock(mu_);
    return stopping_;
  };
  bool reported = false;
  while (!stopping()) {
    try {
      pqxx::connection conn(database_url_);
      Receiver receiver(conn, channel_, [this] { Bump(); });
      if (reported) LogInfo("article listener reconnected", {{"channel", channel_}});
      reported = false;
      Bump();  // anything committed while we were away
      // Short waits so Stop() is seen promptly.
      while (!stopping()) conn.await_notification(0, 200000);
    } catch (const std::exception& e) {
      if (!reported) {
        LogWarn("article listener lost its connection; retrying", {{"error", e.what()}});
        reported = true;
      }
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; });
    }
  }
}

}  // namespace broadsheet
