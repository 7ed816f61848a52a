#include "ingest/ingestor.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <variant>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "core/article_id.h"

namespace broadsheet {

Ingestor::Ingestor(const PageParser* parser, RecordSink* sink, std::string articles_topic,
                   std::string dlq_topic, IngestCounters counters)
    : parser_(parser),
      sink_(sink),
      counters_(counters),
      articles_topic_(std::move(articles_topic)),
      dlq_topic_(std::move(dlq_topic)) {}

void Ingestor::CountRejected(std::string_view reason) const {
  if (counters_.pages_rejected != nullptr) {
    counters_.pages_rejected->Add({{"reason", std::string(reason)}}).Increment();
  }
}

IngestOutcome Ingestor::IngestPage(const std::string& text, const PageMeta& meta) const {
  IngestOutcome outcome;
  std::vector<OutRecord> records;
  Prepare(text, meta, &outcome, &records);
  if (outcome.rejection) {
    CountRejected(RejectReasonName(outcome.rejection->reason));
    return outcome;
  }
  outcome.publish_status = sink_->Send(records);
  if (outcome.publish_status.ok()) {
    if (counters_.pages_accepted != nullptr) counters_.pages_accepted->Increment();
    if (counters_.articles_published != nullptr) {
      counters_.articles_published->Increment(static_cast<double>(records.size()));
    }
  }
  return outcome;
}

void Ingestor::Prepare(const std::string& text, const PageMeta& meta, IngestOutcome* outcome,
                       std::vector<OutRecord>* records) const {
  ParseResult result = parser_->Parse(text, meta.url, FetchedSeconds(meta));
  if (auto* error = std::get_if<ParseError>(&result)) {
    outcome->rejection = *error;
    return;
  }
  const ParsedPage& page = std::get<ParsedPage>(result);
  outcome->page_id = PageId(text);
  for (const Article& article : page.articles) {
    v1::Article message = ArticleToProto(article, page.site, outcome->page_id, meta);
    // The page's comments travel once, with its first article: the indexer
    // stores them by page, so every article of the page lists them.
    if (&article == &page.articles.front() && message.sources_size() > 0) {
      AddComments(page.comments, message.mutable_sources(0)->mutable_comments());
    }
    OutRecord record{articles_topic_, article.id, "", {{"content-type", "application/x-protobuf"}}};
    message.SerializeToString(&record.value);
    records->push_back(std::move(record));
    outcome->article_ids.push_back(article.id);
  }
}

std::optional<std::string> DecodeRawPage(const InRecord& record, v1::RawPage* page) {
  std::string content_type = record.Header("content-type");
  bool json = content_type == "application/json" ||
              (content_type.empty() && !record.value.empty() && record.value[0] == '{');
  if (json) {
    auto status = google::protobuf::util::JsonStringToMessage(record.value, page);
    if (!status.ok()) return absl::StrCat("raw page is not valid JSON: ", status.message().ToString());
    return std::nullopt;
  }
  if (!page->ParseFromString(record.value)) {
    return std::string("raw page is neither a broadsheet.v1.RawPage protobuf nor JSON");
  }
  return std::nullopt;
}

namespace {

OutRecord DeadLetter(const InRecord& source, const std::string& dlq_topic,
                     std::string_view reason, const std::string& message) {
  return OutRecord{dlq_topic,
                   source.key,
                   source.value,
                   {{kHeaderErrorReason, std::string(reason)},
                    {kHeaderErrorMessage, message},
                    {kHeaderSourceTopic, source.topic},
                    {kHeaderSourcePartition, std::to_string(source.partition)},
                    {kHeaderSourceOffset, std::to_string(source.offset)}}};
}

}  // namespace

absl::Status Ingestor::Consume(const std::vector<InRecord>& batch) const {
  // One Send() for the whole batch: waiting for acks page by page would cost
  // a broker round trip per page.
  std::vector<OutRecord> outputs;
  size_t dead_letters = 0;
  size_t accepted = 0;
  std::vector<std::string> rejected_reasons;
  for (const InRecord& record : batch) {
    v1::RawPage raw;
    if (auto error = DecodeRawPage(record, &raw)) {
      outputs.push_back(DeadLetter(record, dlq_topic_, "UNDECODABLE_RECORD", *error));
      ++dead_letters;
      rejected_reasons.push_back("UNDECODABLE_RECORD");
      continue;
    }
    PageMeta meta;
    meta.source = absl::StrCat(record.topic, "/", record.partition, "@", record.offset);
    meta.url = raw.url();
    meta.site = raw.site();
    if (raw.has_fetched_at()) {
      meta.fetched_at = google::protobuf::util::TimeUtil::ToString(raw.fetched_at());
    }
    IngestOutcome outcome;
    Prepare(raw.data().empty() ? raw.text() : raw.data(), meta, &outcome, &outputs);
    if (outcome.rejection) {
      outputs.push_back(DeadLetter(record, dlq_topic_, RejectReasonName(outcome.rejection->reason),
                                   outcome.rejection->message));
      ++dead_letters;
      rejected_reasons.emplace_back(RejectReasonName(outcome.rejection->reason));
    } else {
      ++accepted;
    }
  }
  if (dead_letters > 0) LogWarn("dead-lettering raw pages", {{"count", dead_letters}});
  absl::Status sent = sink_->Send(outputs);
  if (sent.ok()) {  // count once, when the batch is really out
    for (const std::string& reason : rejected_reasons) CountRejected(reason);
    if (counters_.pages_accepted != nullptr) counters_.pages_accepted->Increment(static_cast<double>(accepted));
    if (counters_.articles_published != nullptr) {
      counters_.articles_published->Increment(static_cast<double>(outputs.size() - dead_letters));
    }
    if (counters_.dead_letters != nullptr) counters_.dead_letters->Increment(static_cast<double>(dead_letters));
  }
  return sent;
}

}  // namespace broadsheet
