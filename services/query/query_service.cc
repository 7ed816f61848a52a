#include "query/query_service.h"

#include "absl/strings/ascii.h"
#include "common/grpc_errors.h"

namespace broadsheet {
namespace {

// The time left before the call's deadline, less a margin for the reply; 0
// when the client set no deadline.
std::chrono::milliseconds TimeLeft(const grpc::ServerContext* context) {
  auto deadline = context->deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) return std::chrono::milliseconds(0);
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::system_clock::now() - std::chrono::milliseconds(5));
  return std::max(left, std::chrono::milliseconds(1));
}

}  // namespace

grpc::Status QueryServiceImpl::SearchArticles(grpc::ServerContext* context,
                                              const v1::SearchArticlesRequest* request,
                                              v1::SearchArticlesResponse* response) {
  const std::string& query = request->query();
  if (absl::StripAsciiWhitespace(query).empty()) {
    return InvalidArgumentWithDetails("EMPTY_QUERY", "query", "query must not be empty");
  }
  if (query.size() > kMaxQueryBytes) {
    return InvalidArgumentWithDetails("QUERY_TOO_LONG", "query",
                                      "query is longer than " + std::to_string(kMaxQueryBytes) +
                                          " bytes");
  }
  int page_size = request->page_size() == 0 ? kDefaultPageSize : request->page_size();
  if (page_size < 1 || page_size > kMaxPageSize) {
    return InvalidArgumentWithDetails("PAGE_SIZE_OUT_OF_RANGE", "page_size",
                                      "page_size must be between 1 and 100");
  }
  std::optional<SearchCursor> after;
  if (!request->page_token().empty()) {
    after = DecodePageToken(page_token_key_, query, request->page_token());
    if (!after) {
      return InvalidArgumentWithDetails("INVALID_PAGE_TOKEN", "page_token",
                                        "page_token is malformed or belongs to another query");
    }
  }
  auto page = reader_->Search(query, page_size, after, TimeLeft(context));
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (v1::SearchHit& hit : page->hits) *response->add_hits() = std::move(hit);
  if (page->next) {
    response->set_next_page_token(EncodePageToken(page_token_key_, query, *page->next));
  }
  response->set_total_size(page->total_size);
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::GetArticle(grpc::ServerContext* context,
                                          const v1::GetArticleRequest* request,
                                          v1::Article* response) {
  if (request->id().empty()) {
    return InvalidArgumentWithDetails("MISSING_ID", "id", "id must not be empty");
  }
  auto article = reader_->Get(request->id(), TimeLeft(context));
  if (!article.ok()) return ToGrpcStatus(article.status());
  *response = std::move(*article);
  return grpc::Status::OK;
}

}  // namespace broadsheet
