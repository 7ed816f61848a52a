// Plain data types produced by the page parser. No I/O, no protobuf: the
// services convert these to broadsheet.v1 messages at their edges.
#ifndef BROADSHEET_CORE_PARSED_PAGE_H_
#define BROADSHEET_CORE_PARSED_PAGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace broadsheet {

struct Site {
  std::string name;
  std::string tagline;
};

struct Author {
  std::string name;
  std::string bio;
};

struct Image {
  std::string caption;
  std::string credit;
};

struct Article {
  std::string id;  // 16 lowercase hex digits, see ArticleId() in article_id.h
  std::string title;
  std::string standfirst;
  std::vector<std::string> paragraphs;
  Author author;
  Image image;
  int word_count = 0;
  std::string language;  // ISO 639-1 code such as "en", or "und"
  uint64_t fingerprint = 0;  // 64-bit SimHash of the body
  // Unix seconds, from the page's date line (ParseDateLine); unset when the
  // page shows none.
  std::optional<int64_t> published_at;
};

// A reader's comment under the articles, kept apart from them.
struct Comment {
  std::string text;
  std::string author;  // the commenter's name or handle as shown; may be empty
  // Unix seconds, from the comment's date line (a relative one, "2 hours
  // ago", counted from the page's fetch time); unset when not shown.
  std::optional<int64_t> posted_at;
};

// A block the parser dropped and the rule (profile entry) that dropped it.
struct DroppedBlock {
  std::string text;
  std::string rule;
};

struct ParsedPage {
  Site site;
  std::vector<Article> articles;
  std::vector<Comment> comments;
  std::vector<DroppedBlock> dropped;
};

// Why a page was rejected. Names are stable and part of the API (gRPC
// ErrorInfo reasons and dead-letter headers).
enum class RejectReason {
  kEmptyPage,       // "EMPTY_PAGE": nothing but whitespace
  kInvalidUtf8,     // "INVALID_UTF8"
  kBinaryData,      // "BINARY_DATA": NUL bytes or mostly control characters
  kPageTooLarge,    // "PAGE_TOO_LARGE": over ParseOptions::max_page_bytes
  kNoArticleFound,  // "NO_ARTICLE_FOUND": only boilerplate
  kMalformedRecord,  // "MALFORMED_RECORD": an input record (JSONL line, WARC
                     // record) that could not be read as a page
};

std::string_view RejectReasonName(RejectReason reason);

struct ParseError {
  RejectReason reason;
  std::string message;  // human-readable, says what and where (e.g. byte offset)
};

}  // namespace broadsheet

#endif  // BROADSHEET_CORE_PARSED_PAGE_H_
