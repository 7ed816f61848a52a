#include "indexer/indexer.h"

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace broadsheet {

Indexer::Indexer(ArticleStore* store, RecordSink* dead_letters, std::string dlq_topic)
    : store_(store), dead_letters_(dead_letters), dlq_topic_(std::move(dlq_topic)) {}

namespace {

// The first text field of `a` holding a NUL byte, or null.
const char* FieldWithNul(const v1::Article& a) {
  auto has_nul = [](const std::string& s) { return s.find('\0') != std::string::npos; };
  if (has_nul(a.id())) return "id";
  if (has_nul(a.title())) return "title";
  if (has_nul(a.standfirst())) return "standfirst";
  for (const std::string& p : a.paragraphs()) {
    if (has_nul(p)) return "paragraphs";
  }
  if (has_nul(a.author().name()) || has_nul(a.author().bio())) return "author";
  if (has_nul(a.image().caption()) || has_nul(a.image().credit())) return "image";
  if (has_nul(a.site().name()) || has_nul(a.site().tagline())) return "site";
  if (has_nul(a.url())) return "url";
  if (has_nul(a.language())) return "language";
  for (const v1::SourcePage& s : a.sources()) {
    if (has_nul(s.page_id()) || has_nul(s.url()) || has_nul(s.site())) return "sources";
    for (const v1::Comment& c : s.comments()) {
      if (has_nul(c.author()) || has_nul(c.text())) return "sources.comments";
    }
  }
  return nullptr;
}

}  // namespace

std::optional<std::string> DecodeArticle(const InRecord& record, v1::Article* article,
                                         std::string* message) {
  if (!article->ParseFromString(record.value)) {
    *message = "value is not a broadsheet.v1.Article protobuf";
    return "UNDECODABLE_RECORD";
  }
  if (article->id().empty() || article->id().size() > 64) {
    *message = "article id is missing or longer than 64 bytes";
    return "SCHEMA_VIOLATION";
  }
  if (article->title().empty() && article->paragraphs_size() == 0) {
    *message = "article has neither title nor paragraphs";
    return "SCHEMA_VIOLATION";
  }
  if (const char* field = FieldWithNul(*article)) {
    // PostgreSQL text cannot hold a NUL: such a record would fail its batch
    // on every retry.
    *message = absl::StrCat(field, " contains a NUL byte");
    return "SCHEMA_VIOLATION";
  }
  if (!record.key.empty() && record.key != article->id()) {
    *message = absl::StrCat("record key ", record.key, " differs from article id ", article->id());
    return "SCHEMA_VIOLATION";
  }
  return std::nullopt;
}

absl::Status Indexer::Consume(const std::vector<InRecord>& batch, BatchResult* result) {
  std::vector<v1::Article> articles;
  std::vector<OutRecord> dead;
  articles.reserve(batch.size());
  for (const InRecord& record : batch) {
    v1::Article article;
    std::string message;
    if (auto reason = DecodeArticle(record, &article, &message)) {
      dead.push_back(OutRecord{dlq_topic_,
                               record.key,
                               record.value,
                               {{kHeaderErrorReason, *reason},
                                {kHeaderErrorMessage, message},
                                {kHeaderSourceTopic, record.topic},
                                {kHeaderSourcePartition, std::to_string(record.partition)},
                                {kHeaderSourceOffset, std::to_string(record.offset)}}});
      continue;
    }
    articles.push_back(std::move(article));
  }
  WriteStats stats;
  if (absl::Status s = store_->WriteBatch(articles, &stats); !s.ok()) return s;
  if (!dead.empty()) {
    if (absl::Status s = dead_letters_->Send(dead); !s.ok()) return s;
    LogWarn("dead-lettered article records", {{"count", dead.size()}});
  }
  if (result != nullptr) {
    result->articles = static_cast<int>(articles.size());
    result->new_articles = stats.new_articles;
    result->near_duplicate_links = stats.near_duplicate_links;
    result->new_comments = stats.new_comments;
    result->phases = stats.phases;
    result->dead_letters = static_cast<int>(dead.size());
  }
  return absl::OkStatus();
}

}  // namespace broadsheet
