// broadsheet-query: the QueryService gRPC server. Wiring only.
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "common/env.h"
#include "common/grpc_metrics.h"
#include "common/grpc_server.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/security.h"
#include "query/query_service.h"
#include "query/search_query.h"

using namespace broadsheet;

namespace {

// Keeps the spelling vocabulary current: every `interval`, reads the words
// of newly indexed articles (in batches, until caught up).
class VocabularyRefresher {
 public:
  VocabularyRefresher(ArticleReader* reader, std::chrono::milliseconds interval)
      : reader_(reader), interval_(interval) {
    if (interval_.count() > 0) thread_ = std::thread([this] { Run(); });
  }
  ~VocabularyRefresher() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Run() {
    constexpr int kBatch = 5000;
    bool warned = false;
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      lock.unlock();
      absl::StatusOr<int> read;
      do {
        read = reader_->RefreshVocabulary(kBatch);
      } while (read.ok() && *read == kBatch && !stopping_);
      if (!read.ok() && !warned) {
        LogWarn("vocabulary refresh failed", {{"error", read.status().ToString()}});
      }
      warned = !read.ok();
      lock.lock();
      wake_.wait_for(lock, interval_, [&] { return stopping_; });
    }
  }

  ArticleReader* reader_;
  const std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace

int main(int argc, char** argv) {
  // Flags and the config file fold into the environment before any thread.
  auto args = ApplySettingSources(argc, argv);
  if (!args.ok() || !args->empty()) {
    std::fprintf(stderr, "broadsheet-query: %s\nusage: broadsheet-query [--SETTING=VALUE ...] [--config FILE]\n",
                 args.ok() ? ("unexpected argument " + args->front()).c_str()
                           : args.status().ToString().c_str());
    return 2;
  }
  BlockShutdownSignals();
  CommonSettings settings = LoadCommonSettings();
  std::string listen = EnvOr("BROADSHEET_QUERY_LISTEN", "127.0.0.1:50052");
  // The query service should connect as the read-only role.
  std::string database_url = EnvOr("BROADSHEET_QUERY_DATABASE_URL", settings.database_url);
  // Reads may go to a read replica; LISTEN and the spelling vocabulary's
  // upkeep (a write) need the primary: BROADSHEET_QUERY_PRIMARY_DATABASE_URL,
  // by default the same database.
  std::string primary_url = EnvOr("BROADSHEET_QUERY_PRIMARY_DATABASE_URL", database_url);
  // The read-only role's password, from a mounted secret (common/security.h).
  const std::string password_file = EnvOr("BROADSHEET_QUERY_DATABASE_PASSWORD_FILE",
                                          EnvOr("BROADSHEET_DATABASE_PASSWORD_FILE", ""));
  for (std::string* url : {&database_url, &primary_url}) {
    auto with_password = DatabaseUrlWithPasswordFile(*url, password_file);
    if (!with_password.ok()) {
      LogError("cannot read the database password", {{"error", with_password.status().ToString()}});
      return 1;
    }
    *url = *with_password;
  }
  QueryServiceOptions options;
  options.page_token_key = EnvOr("BROADSHEET_PAGE_TOKEN_KEY", "");
  if (options.page_token_key.empty()) {
    // Tokens must verify on every replica, so production sets a shared key.
    LogWarn("BROADSHEET_PAGE_TOKEN_KEY not set; using a development key");
    options.page_token_key = "broadsheet-development-page-token-key";
  }
  options.max_watches = static_cast<int>(EnvIntOr("BROADSHEET_MAX_WATCHES", 64));
  options.relevance_window =
      static_cast<int>(EnvIntOr("BROADSHEET_QUERY_RELEVANCE_WINDOW", options.relevance_window));
  options.watch_poll = std::chrono::milliseconds(EnvIntOr("BROADSHEET_WATCH_POLL_MS", 1000));
  auto metrics = MetricsServer::Start(EnvOr("BROADSHEET_QUERY_METRICS_LISTEN", "127.0.0.1:9466"));
  if (!metrics.ok()) {
    LogError("cannot serve metrics", {{"error", metrics.status().ToString()}});
    return 1;
  }
  options.active_watches_gauge =
      &(*metrics)->Gauge("broadsheet_query_active_watches", "WatchArticles streams open now");
  GrpcMetrics grpc_metrics((*metrics)->registry());
  ArticleReader reader(database_url, static_cast<int>(EnvIntOr("BROADSHEET_QUERY_POOL_SIZE", 4)),
                       static_cast<int>(EnvIntOr("BROADSHEET_QUERY_SEARCH_POOL_SIZE", 4)),
                       primary_url, static_cast<int>(EnvIntOr("BROADSHEET_QUERY_GET_BATCHES", 1)));
  // Not fatal (a database still starting is retried per call), but said once.
  absl::StatusOr<std::string> ctype = reader.CharacterType(std::chrono::seconds(5));
  if (ctype.ok() && !IsUtf8CharacterType(*ctype)) {
    LogWarn(
        "the database's character type is not UTF-8: lower() keeps accented capitals, so "
        "case-insensitive author and site filters and snippets miss them",
        {{"lc_ctype", *ctype}});
  }
  ArticleNotifier notifier(primary_url, kArticlesChannel);
  notifier.Start();
  VocabularyRefresher refresher(
      &reader, std::chrono::milliseconds(EnvIntOr("BROADSHEET_VOCABULARY_REFRESH_MS", 5000)));
  QueryServiceImpl service(&reader, &notifier, options);
  auto server = StartGrpcServer(listen, {&service}, &grpc_metrics);
  if (!server.ok()) {
    LogError("cannot start gRPC server", {{"error", server.status().ToString()}});
    return 1;
  }
  LogInfo("query service listening", {{"address", listen}, {"max_watches", options.max_watches}});
  int sig = WaitForShutdownSignal();
  LogInfo("shutting down", {{"signal", sig}});
  service.BeginShutdown();
  notifier.Stop();            // wakes every watch so it sees the shutdown
  reader.CancelQueuedGets();  // callback calls the server would wait for
  (*server)->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  return 0;
}
