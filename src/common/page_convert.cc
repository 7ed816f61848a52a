#include "common/page_convert.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include "core/date_line.h"

namespace broadsheet {

bool ParseTimestamp(const std::string& text, google::protobuf::Timestamp* out) {
  if (text.empty()) return false;
  return google::protobuf::util::TimeUtil::FromString(text, out);
}

std::optional<int64_t> FetchedSeconds(const PageMeta& meta) {
  return ParseRfc3339(meta.fetched_at);
}

v1::Article ArticleToProto(const Article& article, const Site& site, const std::string& page_id,
                           const PageMeta& meta) {
  v1::Article out;
  out.set_id(article.id);
  out.set_title(article.title);
  out.set_standfirst(article.standfirst);
  for (const std::string& p : article.paragraphs) out.add_paragraphs(p);
  if (!article.author.name.empty() || !article.author.bio.empty()) {
    out.mutable_author()->set_name(article.author.name);
    out.mutable_author()->set_bio(article.author.bio);
  }
  if (!article.image.caption.empty() || !article.image.credit.empty()) {
    out.mutable_image()->set_caption(article.image.caption);
    out.mutable_image()->set_credit(article.image.credit);
  }
  // The page's own masthead wins; otherwise the crawler's label names the site.
  std::string site_name = !site.name.empty() ? site.name : meta.site;
  if (!site_name.empty() || !site.tagline.empty()) {
    out.mutable_site()->set_name(site_name);
    out.mutable_site()->set_tagline(site.tagline);
  }
  out.set_url(meta.url);
  out.set_language(article.language.empty() ? "und" : article.language);
  out.set_word_count(article.word_count);
  out.set_fingerprint(article.fingerprint);
  if (article.published_at) out.mutable_published_at()->set_seconds(*article.published_at);
  if (!page_id.empty()) {
    out.add_source_page_ids(page_id);
    v1::SourcePage* source = out.add_sources();
    source->set_page_id(page_id);
    source->set_url(meta.url);
    source->set_site(meta.site);
    if (!ParseTimestamp(meta.fetched_at, source->mutable_fetched_at())) source->clear_fetched_at();
  }
  if (!ParseTimestamp(meta.fetched_at, out.mutable_fetched_at())) out.clear_fetched_at();
  return out;
}

void AddComments(const std::vector<Comment>& comments,
                 google::protobuf::RepeatedPtrField<v1::Comment>* out) {
  for (const Comment& c : comments) {
    v1::Comment* comment = out->Add();
    comment->set_text(c.text);
    comment->set_author(c.author);
    if (c.posted_at) comment->mutable_posted_at()->set_seconds(*c.posted_at);
  }
}

v1::ParsedPage ToProto(const ParsedPage& page, const std::string& page_id, const PageMeta& meta) {
  v1::ParsedPage out;
  out.set_source(meta.source);
  out.set_page_id(page_id);
  out.set_url(meta.url);
  if (!ParseTimestamp(meta.fetched_at, out.mutable_fetched_at())) out.clear_fetched_at();
  if (!page.site.name.empty() || !page.site.tagline.empty()) {
    out.mutable_site()->set_name(page.site.name);
    out.mutable_site()->set_tagline(page.site.tagline);
  }
  for (const Article& a : page.articles) {
    *out.add_articles() = ArticleToProto(a, page.site, page_id, meta);
  }
  AddComments(page.comments, out.mutable_comments());
  for (const DroppedBlock& d : page.dropped) {
    v1::DroppedBlock* block = out.add_dropped();
    block->set_text(d.text);
    block->set_rule(d.rule);
  }
  return out;
}

v1::ParsedPage RejectedToProto(const ParseError& error, const PageMeta& meta) {
  v1::ParsedPage out;
  out.set_source(meta.source);
  out.set_url(meta.url);
  out.set_error_reason(std::string(RejectReasonName(error.reason)));
  out.set_error(error.message);
  return out;
}

std::string ToJsonLine(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;  // lowerCamelCase, as proto3 JSON specifies
  auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) return "{\"error\":\"json encoding failed\"}";
  return json;
}

}  // namespace broadsheet
