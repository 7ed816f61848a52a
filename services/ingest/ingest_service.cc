#include "ingest/ingest_service.h"

#include <google/protobuf/util/time_util.h>

#include "common/grpc_errors.h"

namespace broadsheet {

namespace {

const std::string& PageText(const v1::RawPage& page) {
  return page.data().empty() ? page.text() : page.data();
}

PageMeta MetaOf(const v1::RawPage& page, const std::string& source) {
  PageMeta meta;
  meta.source = source;
  meta.url = page.url();
  meta.site = page.site();
  if (page.has_fetched_at()) {
    meta.fetched_at = google::protobuf::util::TimeUtil::ToString(page.fetched_at());
  }
  return meta;
}

}  // namespace

grpc::Status IngestServiceImpl::IngestPage(grpc::ServerContext* context,
                                           const v1::IngestPageRequest* request,
                                           v1::IngestPageResponse* response) {
  const v1::RawPage& page = request->page();
  IngestOutcome outcome = ingestor_->IngestPage(PageText(page), MetaOf(page, page.url()));
  if (outcome.rejection) {
    return InvalidArgumentWithDetails(std::string(RejectReasonName(outcome.rejection->reason)),
                                      "page.text", outcome.rejection->message);
  }
  if (!outcome.publish_status.ok()) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, std::string(outcome.publish_status.message()));
  }
  response->set_page_id(outcome.page_id);
  for (const std::string& id : outcome.article_ids) response->add_article_ids(id);
  return grpc::Status::OK;
}

grpc::Status IngestServiceImpl::IngestPages(grpc::ServerContext* context,
                                            grpc::ServerReader<v1::IngestPageRequest>* reader,
                                            v1::IngestPagesResponse* response) {
  v1::IngestPageRequest request;
  int index = 0;
  while (reader->Read(&request)) {
    const v1::RawPage& page = request.page();
    IngestOutcome outcome = ingestor_->IngestPage(PageText(page), MetaOf(page, page.url()));
    if (!outcome.rejection && !outcome.publish_status.ok()) {
      // Pages before this one are acknowledged and reported by index in the
      // message; the client retries from here.
      return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          "page " + std::to_string(index) +
                              " not published: " + std::string(outcome.publish_status.message()));
    }
    v1::PageResult* result = response->add_results();
    result->set_index(index++);
    if (outcome.rejection) {
      result->set_accepted(false);
      result->set_reject_reason(std::string(RejectReasonName(outcome.rejection->reason)));
      result->set_message(outcome.rejection->message);
      response->set_rejected_pages(response->rejected_pages() + 1);
      continue;
    }
    result->set_accepted(true);
    result->set_page_id(outcome.page_id);
    for (const std::string& id : outcome.article_ids) result->add_article_ids(id);
    response->set_accepted_pages(response->accepted_pages() + 1);
    response->set_published_articles(response->published_articles() +
                                     static_cast<int>(outcome.article_ids.size()));
  }
  return grpc::Status::OK;
}

}  // namespace broadsheet
