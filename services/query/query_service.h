// QueryServiceImpl: the gRPC face of ArticleReader. Validates requests
// (INVALID_ARGUMENT with google.rpc.ErrorInfo and one google.rpc.BadRequest
// field violation per bad field), turns the call's deadline into a statement
// timeout, signs and checks page tokens, limits concurrent watches
// (RESOURCE_EXHAUSTED) and maps absl::Status to gRPC codes. Thread-safe.
#ifndef BROADSHEET_SERVICES_QUERY_QUERY_SERVICE_H_
#define BROADSHEET_SERVICES_QUERY_QUERY_SERVICE_H_

#include <atomic>
#include <chrono>
#include <string>

#include <prometheus/gauge.h>

#include "broadsheet/v1/query_service.grpc.pb.h"
#include "query/article_notifier.h"
#include "query/article_reader.h"

namespace broadsheet {

inline constexpr int kDefaultPageSize = 10;
inline constexpr int kMaxPageSize = 100;
inline constexpr size_t kMaxQueryBytes = 1024;
inline constexpr int kMaxBatchGet = 100;

struct QueryServiceOptions {
  std::string page_token_key;
  int max_watches = 64;  // BROADSHEET_MAX_WATCHES
  // SearchOptions::relevance_window (BROADSHEET_QUERY_RELEVANCE_WINDOW).
  int relevance_window = 1000;
  // A watch re-reads at least this often even without a notification.
  std::chrono::milliseconds watch_poll = std::chrono::milliseconds(1000);
  // When set, kept equal to the number of open watches.
  prometheus::Gauge* active_watches_gauge = nullptr;
};

// GetArticle is a callback method: its lookup joins a LookupBatcher queue
// and no server thread waits for it (the most frequent call, and the one
// whose cost was mostly thread hand-overs). The other methods are
// synchronous.
class QueryServiceImpl final
    : public v1::QueryService::WithCallbackMethod_GetArticle<v1::QueryService::Service> {
 public:
  // `reader` and `notifier` must outlive the service.
  QueryServiceImpl(ArticleReader* reader, ArticleNotifier* notifier, QueryServiceOptions options)
      : reader_(reader), notifier_(notifier), options_(std::move(options)) {}

  // Ends every running watch (call before grpc::Server::Shutdown).
  void BeginShutdown() { stopping_ = true; }

  grpc::Status SearchArticles(grpc::ServerContext* context,
                              const v1::SearchArticlesRequest* request,
                              v1::SearchArticlesResponse* response) override;
  grpc::ServerUnaryReactor* GetArticle(grpc::CallbackServerContext* context,
                                       const v1::GetArticleRequest* request,
                                       v1::Article* response) override;
  grpc::Status BatchGetArticles(grpc::ServerContext* context,
                                const v1::BatchGetArticlesRequest* request,
                                v1::BatchGetArticlesResponse* response) override;
  grpc::Status ListArticles(grpc::ServerContext* context, const v1::ListArticlesRequest* request,
                            v1::ListArticlesResponse* response) override;
  grpc::Status ListAuthors(grpc::ServerContext* context, const v1::ListAuthorsRequest* request,
                           v1::ListAuthorsResponse* response) override;
  grpc::Status GetAuthor(grpc::ServerContext* context, const v1::GetAuthorRequest* request,
                         v1::AuthorProfile* response) override;
  grpc::Status FindSimilarArticles(grpc::ServerContext* context,
                                   const v1::FindSimilarArticlesRequest* request,
                                   v1::FindSimilarArticlesResponse* response) override;
  grpc::Status ListComments(grpc::ServerContext* context, const v1::ListCommentsRequest* request,
                            v1::ListCommentsResponse* response) override;
  grpc::Status WatchArticles(grpc::ServerContext* context,
                             const v1::WatchArticlesRequest* request,
                             grpc::ServerWriter<v1::WatchArticlesResponse>* writer) override;

 private:
  ArticleReader* reader_;
  ArticleNotifier* notifier_;
  const QueryServiceOptions options_;
  std::atomic<int> active_watches_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace broadsheet

#endif  // BROADSHEET_SERVICES_QUERY_QUERY_SERVICE_H_
