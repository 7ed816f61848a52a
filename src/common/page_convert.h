// Converts the parser's plain structs into broadsheet.v1 messages. Pure
// functions; thread-safe.
#ifndef BROADSHEET_COMMON_PAGE_CONVERT_H_
#define BROADSHEET_COMMON_PAGE_CONVERT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "broadsheet/v1/article.pb.h"
#include "core/parsed_page.h"

namespace broadsheet {

// What the crawler told us about a page, next to its text.
struct PageMeta {
  std::string source;      // file name, "file:line" or WARC record id
  std::string url;
  std::string site;        // crawler's label for the site, may be empty
  std::string fetched_at;  // RFC 3339, may be empty
};

// The whole parse, in the shape `broadsheet parse` prints.
v1::ParsedPage ToProto(const ParsedPage& page, const std::string& page_id, const PageMeta& meta);

// The same for a rejected page.
v1::ParsedPage RejectedToProto(const ParseError& error, const PageMeta& meta);

// One article as published to Kafka: the parse plus the page it came from.
v1::Article ArticleToProto(const Article& article, const Site& site, const std::string& page_id,
                           const PageMeta& meta);

// The parser's comments appended to `out`.
void AddComments(const std::vector<Comment>& comments,
                 google::protobuf::RepeatedPtrField<v1::Comment>* out);

// RFC 3339 text to a Timestamp; false when `text` is empty or not a time.
bool ParseTimestamp(const std::string& text, google::protobuf::Timestamp* out);

// The page's fetch time in Unix seconds, for PageParser::Parse (it dates
// the page's relative times); nullopt when meta has none or it is not RFC 3339.
std::optional<int64_t> FetchedSeconds(const PageMeta& meta);

// Proto3 JSON of `message` on one line (the CLI's output format).
std::string ToJsonLine(const google::protobuf::Message& message);

}  // namespace broadsheet

#endif  // BROADSHEET_COMMON_PAGE_CONVERT_H_
