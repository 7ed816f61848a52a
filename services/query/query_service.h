// QueryServiceImpl: the gRPC face of ArticleReader. Validates requests
// (INVALID_ARGUMENT with google.rpc.BadRequest), turns the call's deadline
// into a statement timeout, and maps errors to gRPC codes. Thread-safe.
#ifndef BROADSHEET_SERVICES_QUERY_QUERY_SERVICE_H_
#define BROADSHEET_SERVICES_QUERY_QUERY_SERVICE_H_

#include <string>

#include "broadsheet/v1/query_service.grpc.pb.h"
#include "query/article_reader.h"

namespace broadsheet {

inline constexpr int kDefaultPageSize = 10;
inline constexpr int kMaxPageSize = 100;
inline constexpr size_t kMaxQueryBytes = 1024;

class QueryServiceImpl final : public v1::QueryService::Service {
 public:
  QueryServiceImpl(ArticleReader* reader, std::string page_token_key)
      : reader_(reader), page_token_key_(std::move(page_token_key)) {}

  grpc::Status SearchArticles(grpc::ServerContext* context,
                              const v1::SearchArticlesRequest* request,
                              v1::SearchArticlesResponse* response) override;
  grpc::Status GetArticle(grpc::ServerContext* context, const v1::GetArticleRequest* request,
                          v1::Article* response) override;

 private:
  ArticleReader* reader_;
  std::string page_token_key_;
};

}  // namespace broadsheet

#endif  // BROADSHEET_SERVICES_QUERY_QUERY_SERVICE_H_
