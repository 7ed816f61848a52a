// ArticleReader: the query service's reads from PostgreSQL, as plain
// functions returning broadsheet.v1 messages. Every user string reaches SQL
// only as a bound parameter of a prepared statement. Thread-safe (the pool is).
#ifndef BROADSHEET_SERVICES_QUERY_ARTICLE_READER_H_
#define BROADSHEET_SERVICES_QUERY_ARTICLE_READER_H_

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "broadsheet/v1/query_service.pb.h"
#include "query/page_token.h"
#include "query/pg_pool.h"

namespace broadsheet {

// Highlight marks in snippets (see SearchHit.snippet in query_service.proto).
inline constexpr char kHighlightStart[] = "\xee\x80\x80";  // U+E000
inline constexpr char kHighlightStop[] = "\xee\x80\x81";   // U+E001

struct SearchPage {
  std::vector<v1::SearchHit> hits;
  std::optional<SearchCursor> next;  // set when more hits may follow
  int64_t total_size = 0;
};

class ArticleReader {
 public:
  ArticleReader(std::string database_url, int pool_size);

  // `timeout` becomes the statement timeout (0 = none).
  absl::StatusOr<SearchPage> Search(const std::string& query, int page_size,
                                    const std::optional<SearchCursor>& after,
                                    std::chrono::milliseconds timeout);

  // NOT_FOUND for an unknown id.
  absl::StatusOr<v1::Article> Get(const std::string& id, std::chrono::milliseconds timeout);

 private:
  PgPool pool_;
};

}  // namespace broadsheet

#endif  // BROADSHEET_SERVICES_QUERY_ARTICLE_READER_H_
