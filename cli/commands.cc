#include "commands.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <variant>

#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

#include "broadsheet/v1/ingest_service.grpc.pb.h"
#include "broadsheet/v1/query_service.grpc.pb.h"
#include "common/env.h"
#include "common/page_convert.h"
#include "common/security.h"
#include "core/article_id.h"
#include "core/page_parser.h"
#include "core/page_reader.h"
#include "core/profile_loader.h"

namespace broadsheet::cli {
namespace {

// Pulls `--name value` options out of `args`, leaving the positionals.
struct Flags {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;
  bool Has(const std::string& name) const { return values.count(name) > 0; }
  std::string Get(const std::string& name, const std::string& fallback = "") const {
    auto it = values.find(name);
    return it == values.end() ? fallback : it->second;
  }
};

// `boolean` names options that take no value.
bool ParseFlags(const std::vector<std::string>& args, const std::vector<std::string>& with_value,
                const std::vector<std::string>& boolean, Flags* flags) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {  // the rest is positional, even if it starts with --
      flags->positional.insert(flags->positional.end(), args.begin() + static_cast<long>(i) + 1,
                               args.end());
      break;
    }
    if (a.rfind("--", 0) != 0) {
      flags->positional.push_back(a);
      continue;
    }
    std::string name = a.substr(2);
    std::string value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (std::find(with_value.begin(), with_value.end(), name) != with_value.end()) {
      if (i + 1 >= args.size()) {
        std::fprintf(stderr, "broadsheet: --%s needs a value\n", name.c_str());
        return false;
      }
      value = args[++i];
    }
    bool known = std::find(with_value.begin(), with_value.end(), name) != with_value.end() ||
                 std::find(boolean.begin(), boolean.end(), name) != boolean.end();
    if (!known) {
      std::fprintf(stderr, "broadsheet: unknown option --%s\n", name.c_str());
      return false;
    }
    flags->values[name] = value;
  }
  return true;
}

bool ParseFormat(const std::string& name, InputFormat* format) {
  if (name.empty() || name == "auto") *format = InputFormat::kAuto;
  else if (name == "text") *format = InputFormat::kText;
  else if (name == "jsonl") *format = InputFormat::kJsonl;
  else if (name == "wet") *format = InputFormat::kWet;
  else return false;
  return true;
}

// Expands directories into their page files (sorted), keeping files as given.
std::vector<std::string> ExpandInputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const std::string& input : inputs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(input, ec)) {
      files.push_back(input);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(input, ec)) {
      std::string ext = entry.path().extension().string();
      if (entry.is_regular_file() && (ext == ".txt" || ext == ".jsonl" || ext == ".wet")) {
        found.push_back(entry.path().string());
      }
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

size_t MaxPageBytes() { return static_cast<size_t>(EnvIntOr("BROADSHEET_MAX_PAGE_BYTES", 8 << 20)); }

// Calls `visit` for every page record of every file ("-": standard input);
// returns false when a file cannot be opened.
template <typename Visit>
bool ForEachPage(const std::vector<std::string>& files, InputFormat format, Visit visit) {
  bool all_opened = true;
  for (const std::string& file : files) {
    std::ifstream file_in;
    std::istream* in = &std::cin;
    if (file != "-") {
      file_in.open(file, std::ios::binary);
      if (!file_in) {
        std::fprintf(stderr, "broadsheet: cannot open %s\n", file.c_str());
        all_opened = false;
        continue;
      }
      in = &file_in;
    }
    auto reader = PageReader::Create(*in, format, file, MaxPageBytes());
    RawPageRecord record;
    while (reader->Next(&record)) visit(record);
  }
  return all_opened;
}

PageMeta MetaOf(const RawPageRecord& record) {
  PageMeta meta;
  meta.source = record.source;
  meta.url = record.url;
  meta.fetched_at = record.fetched_at;
  return meta;
}

std::string IngestAddress() { return EnvOr("BROADSHEET_INGEST_ADDR", "127.0.0.1:50051"); }
std::string QueryAddress() { return EnvOr("BROADSHEET_QUERY_ADDR", "127.0.0.1:50052"); }

// TLS / mTLS from BROADSHEET_TLS_*; `ingest` calls carry the bearer token
// from BROADSHEET_INGEST_TOKEN_FILE (common/security.h).
std::shared_ptr<grpc::Channel> Connect(const std::string& address, bool ingest = false) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  args.SetMaxSendMessageSize(64 << 20);
  auto channel = MakeClientChannel(address, ClientSecurityFromEnv(), ingest, args);
  if (!channel.ok()) {
    std::fprintf(stderr, "broadsheet: %s\n", channel.status().ToString().c_str());
    std::exit(2);
  }
  return *channel;
}

int ReportRpcError(const char* what, const std::string& address, const grpc::Status& status) {
  // gRPC's codes are absl's, so the code prints by its name (NOT_FOUND, ...).
  std::fprintf(stderr, "broadsheet: %s (%s) failed: %s: %s\n", what, address.c_str(),
               absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())).c_str(),
               status.error_message().c_str());
  return 1;
}

// Replaces the snippet's highlight marks with bold on a terminal, or drops them.
std::string RenderSnippet(const std::string& snippet, bool tty) {
  static const std::string kStart = "\xee\x80\x80", kStop = "\xee\x80\x81";
  std::string out;
  for (size_t i = 0; i < snippet.size();) {
    if (snippet.compare(i, kStart.size(), kStart) == 0) {
      if (tty) out += "\x1b[1m";
      i += kStart.size();
    } else if (snippet.compare(i, kStop.size(), kStop) == 0) {
      if (tty) out += "\x1b[0m";
      i += kStop.size();
    } else {
      out.push_back(snippet[i++]);
    }
  }
  return out;
}

}  // namespace

int Parse(const std::vector<std::string>& args) {
  Flags flags;
  if (!ParseFlags(args, {"format", "profiles"}, {"explain"}, &flags)) return 2;
  InputFormat format;
  if (!ParseFormat(flags.Get("format"), &format)) {
    std::fprintf(stderr, "broadsheet parse: --format must be text, jsonl or wet\n");
    return 2;
  }
  if (flags.positional.empty()) {
    std::fprintf(stderr,
                 "usage: broadsheet parse [--format text|jsonl|wet] [--profiles DIR] [--explain] "
                 "FILE...\n");
    return 2;
  }
  auto profiles = LoadProfiles(
      flags.Get("profiles", EnvOr("BROADSHEET_PROFILES_DIR", BROADSHEET_DEFAULT_PROFILES_DIR)));
  if (!profiles.ok()) {
    std::fprintf(stderr, "broadsheet parse: %s\n", profiles.status().ToString().c_str());
    return 2;
  }
  ParseOptions options;
  options.max_page_bytes = MaxPageBytes();
  PageParser parser(std::move(*profiles), options);
  bool any_rejected = false;
  bool opened = ForEachPage(ExpandInputs(flags.positional), format, [&](const RawPageRecord& r) {
    PageMeta meta = MetaOf(r);
    v1::ParsedPage out;
    if (r.error) {
      out = RejectedToProto(*r.error, meta);
      any_rejected = true;
    } else {
      if (flags.Has("explain")) {
        const std::string explained = parser.Explain(r.text, r.url, FetchedSeconds(meta));
        std::fwrite(explained.data(), 1, explained.size(), stdout);
      }
      ParseResult result = parser.Parse(r.text, r.url, FetchedSeconds(meta));
      if (auto* error = std::get_if<ParseError>(&result)) {
        out = RejectedToProto(*error, meta);
        any_rejected = true;
      } else {
        out = ToProto(std::get<ParsedPage>(result), PageId(r.text), meta);
      }
    }
    std::string line = ToJsonLine(out);
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stdout);
  });
  if (!opened) return 2;
  return any_rejected ? 1 : 0;
}

int Ingest(const std::vector<std::string>& args) {
  Flags flags;
  if (!ParseFlags(args, {"format"}, {}, &flags)) return 2;
  InputFormat format;
  if (!ParseFormat(flags.Get("format"), &format) || flags.positional.empty()) {
    std::fprintf(stderr, "usage: broadsheet ingest [--format text|jsonl|wet] FILE...|DIR\n");
    return 2;
  }
  std::string address = IngestAddress();
  auto stub = v1::IngestService::NewStub(Connect(address, /*ingest=*/true));
  grpc::ClientContext context;
  v1::IngestPagesResponse response;
  auto writer = stub->IngestPages(&context, &response);
  std::vector<std::string> sources;
  int local_rejects = 0;
  bool opened = ForEachPage(ExpandInputs(flags.positional), format, [&](const RawPageRecord& r) {
    if (r.error) {
      std::printf("rejected  %s  %s: %s\n", r.source.c_str(),
                  std::string(RejectReasonName(r.error->reason)).c_str(), r.error->message.c_str());
      ++local_rejects;
      return;
    }
    v1::IngestPageRequest request;
    // Bytes, not text: the service, not protobuf, judges the encoding.
    request.mutable_page()->set_data(r.text);
    request.mutable_page()->set_url(r.url);
    if (!ParseTimestamp(r.fetched_at, request.mutable_page()->mutable_fetched_at())) {
      request.mutable_page()->clear_fetched_at();
    }
    if (writer->Write(request)) sources.push_back(r.source);
  });
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) return ReportRpcError("IngestPages", address, status);
  for (const v1::PageResult& result : response.results()) {
    const std::string& source =
        result.index() < static_cast<int>(sources.size()) ? sources[result.index()] : "?";
    if (result.accepted()) {
      std::printf("ingested  %s  %d article(s)", source.c_str(), result.article_ids_size());
      for (const std::string& id : result.article_ids()) std::printf(" %s", id.c_str());
      std::printf("\n");
    } else {
      std::printf("rejected  %s  %s: %s\n", source.c_str(), result.reject_reason().c_str(),
                  result.message().c_str());
    }
  }
  std::printf("%d page(s) ingested, %d rejected, %d article(s) published\n",
              response.accepted_pages(), response.rejected_pages() + local_rejects,
              response.published_articles());
  if (!opened) return 2;
  return response.rejected_pages() + local_rejects > 0 ? 1 : 0;
}

namespace {

// "2024-03-01" (midnight UTC) or RFC 3339 ("2024-03-01T09:30:00Z").
// A date (YYYY-MM-DD, the start of that day in UTC; with `end_of_day`, the
// start of the next, so that --to includes the day it names) or an RFC 3339
// time.
bool ParseWhen(const std::string& text, google::protobuf::Timestamp* ts, bool end_of_day = false) {
  bool day = text.size() == 10;
  if (!google::protobuf::util::TimeUtil::FromString(day ? text + "T00:00:00Z" : text, ts)) {
    return false;
  }
  if (day && end_of_day) ts->set_seconds(ts->seconds() + int64_t{24} * 3600);
  return true;
}

std::string Bold(const std::string& s, bool tty) {
  return tty ? "\x1b[1m" + s + "\x1b[0m" : s;
}

std::string Byline(const v1::Article& a) {
  std::string byline = a.author().name();
  if (!a.site().name().empty()) byline += (byline.empty() ? "" : " · ") + a.site().name();
  // The article's date as search orders and filters by it.
  const google::protobuf::Timestamp* date = a.has_published_at() ? &a.published_at()
                                            : a.has_fetched_at() ? &a.fetched_at()
                                            : a.has_indexed_at() ? &a.indexed_at()
                                                                 : nullptr;
  if (date != nullptr) {
    byline += (byline.empty() ? "" : " · ") +
              google::protobuf::util::TimeUtil::ToString(*date).substr(0, 10);
  }
  return byline + (byline.empty() ? "" : " · ") + a.id();
}

// Fills `range` from --<from_flag> and --<to_flag> (a --<to_flag> day is
// included); false after a message when a time does not parse or the range
// is inverted.
bool RangeFromFlags(const Flags& flags, const std::string& from_flag, const std::string& to_flag,
                    v1::TimeRange* range) {
  for (const std::string& name : {from_flag, to_flag}) {
    if (!flags.Has(name)) continue;
    bool to = name == to_flag;
    if (!ParseWhen(flags.Get(name), to ? range->mutable_end_time() : range->mutable_start_time(),
                   /*end_of_day=*/to)) {
      std::fprintf(stderr, "broadsheet: --%s wants YYYY-MM-DD or an RFC 3339 time\n",
                   name.c_str());
      return false;
    }
  }
  if (flags.Has(from_flag) && flags.Has(to_flag) && range->start_time() >= range->end_time()) {
    std::fprintf(stderr, "broadsheet: --%s must be before --%s\n", from_flag.c_str(),
                 to_flag.c_str());
    return false;
  }
  return true;
}

// The options FilterFromFlags reads, each with a value.
const std::vector<std::string>& FilterFlags() {
  static const std::vector<std::string> kNames = {"author",       "site",       "from",    "to",
                                                  "fetched-from", "fetched-to", "language"};
  return kNames;
}

// `others` and the filter options: the options with a value a command takes.
std::vector<std::string> WithFilterFlags(std::vector<std::string> others) {
  others.insert(others.end(), FilterFlags().begin(), FilterFlags().end());
  return others;
}

// Fills `filter` from --author, --site, --from, --to (the article's date;
// a --to day is included), --fetched-from, --fetched-to, --language; false
// (after a message) when a date does not parse or a range is inverted.
bool FilterFromFlags(const Flags& flags, v1::ArticleFilter* filter) {
  for (const char* name : {"author", "site"}) {
    if (!flags.Has(name)) continue;
    for (absl::string_view v : absl::StrSplit(flags.Get(name), ',', absl::SkipWhitespace())) {
      (std::string(name) == "author" ? filter->add_authors() : filter->add_sites())
          ->assign(std::string(absl::StripAsciiWhitespace(v)));
    }
  }
  // --fetched-* bound the fetch time (where the crawler's metadata gave one).
  if (!RangeFromFlags(flags, "from", "to", filter->mutable_published()) ||
      !RangeFromFlags(flags, "fetched-from", "fetched-to", filter->mutable_fetched())) {
    return false;
  }
  filter->set_language(flags.Get("language"));
  return true;
}

// --limit as a page size (1-100, `fallback` when not given); false after a
// message otherwise.
bool ParseLimit(const Flags& flags, const char* fallback, int* limit) {
  if (absl::SimpleAtoi(flags.Get("limit", fallback), limit) && *limit >= 1 && *limit <= 100) {
    return true;
  }
  std::fprintf(stderr, "broadsheet: --limit wants a number from 1 to 100\n");
  return false;
}

std::string JoinWords(const std::vector<std::string>& words) {
  std::string query;
  for (const std::string& word : words) query += (query.empty() ? "" : " ") + word;
  return query;
}

std::unique_ptr<v1::QueryService::Stub> QueryStub(std::string* address) {
  *address = QueryAddress();
  return v1::QueryService::NewStub(Connect(*address));
}

void SetDeadline(grpc::ClientContext* context) {
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
}

// The exit code of a failed call: an unknown id or name (NOT_FOUND) is the
// user's mistake and prints only the server's message; anything else says
// which call to which address failed.
int FailedCall(const char* command, const char* rpc, const std::string& address,
               const grpc::Status& status) {
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    std::fprintf(stderr, "broadsheet %s: %s\n", command, status.error_message().c_str());
    return 1;
  }
  return ReportRpcError(rpc, address, status);
}

void PrintNextPageToken(const std::string& token) {
  if (!token.empty()) std::printf("more: --page-token %s\n", token.c_str());
}

}  // namespace

int Search(const std::vector<std::string>& args) {
  Flags flags;
  if (!ParseFlags(args, WithFilterFlags({"limit", "page-token", "sort"}), {"json", "duplicates"},
                  &flags)) {
    return 2;
  }
  bool filtered = std::any_of(FilterFlags().begin(), FilterFlags().end(),
                              [&](const std::string& name) { return flags.Has(name); });
  if (flags.positional.empty() && !filtered) {
    std::fprintf(stderr,
                 "usage: broadsheet search [--author NAME] [--site SITE] [--from DATE] [--to DATE]\n"
                 "         [--sort relevance|newest] [--language CODE] [--duplicates]\n"
                 "         [--limit N] [--page-token T] [--json] QUERY\n");
    return 2;
  }
  std::string query = JoinWords(flags.positional);
  v1::SearchArticlesRequest request;
  request.set_query(query);
  int limit = 0;
  if (!ParseLimit(flags, "10", &limit)) return 2;
  request.set_page_size(limit);
  request.set_page_token(flags.Get("page-token"));
  request.set_order_by(flags.Get("sort"));
  request.set_include_duplicates(flags.Has("duplicates"));
  if (!FilterFromFlags(flags, request.mutable_filter())) return 2;
  std::string address;
  auto stub = QueryStub(&address);
  grpc::ClientContext context;
  SetDeadline(&context);
  v1::SearchArticlesResponse response;
  grpc::Status status = stub->SearchArticles(&context, request, &response);
  if (!status.ok()) return ReportRpcError("SearchArticles", address, status);
  if (flags.Has("json")) {
    std::printf("%s\n", ToJsonLine(response).c_str());
    return 0;
  }
  bool tty = isatty(STDOUT_FILENO) != 0;
  std::printf("%s%lld result(s)%s%s\n",
              response.total_size_exact() || response.total_size() == 0 ? "" : "about ",
              static_cast<long long>(response.total_size()), query.empty() ? "" : " for ",
              query.c_str());
  if (response.ranked_window() > 0) {
    std::printf("a broad query: only its %lld most recent matches are ranked; --sort newest or "
                "--from/--to reach older ones\n",
                static_cast<long long>(response.ranked_window()));
  }
  if (!response.suggested_query().empty()) {
    std::printf("did you mean: %s\n", Bold(response.suggested_query(), tty).c_str());
  }
  if (!response.ignored_words().empty()) {
    std::printf("ignored, too common to search for: %s\n",
                absl::StrJoin(response.ignored_words(), ", ").c_str());
  }
  std::printf("\n");
  int n = 0;
  for (const v1::SearchHit& hit : response.hits()) {
    const v1::Article& a = hit.article();
    std::printf("%2d. %s\n", ++n, Bold(a.title(), tty).c_str());
    std::printf("    %s", Byline(a).c_str());
    if (hit.duplicate_count() > 0) std::printf(" · +%d near-duplicate(s)", hit.duplicate_count());
    std::printf("\n    %s\n\n", RenderSnippet(hit.snippet(), tty).c_str());
  }
  auto facet_line = [](const char* label, const auto& counts) {
    if (counts.empty()) return;
    std::printf("%s:", label);
    for (const v1::FacetCount& c : counts) {
      std::printf(" %s (%lld)", c.value().c_str(), static_cast<long long>(c.count()));
    }
    std::printf("\n");
  };
  facet_line("authors", response.facets().authors());
  facet_line("sites", response.facets().sites());
  facet_line("languages", response.facets().languages());
  PrintNextPageToken(response.next_page_token());
  return 0;
}

int Authors(const std::vector<std::string>& args) {
  Flags flags;
  if (!ParseFlags(args, {"limit", "page-token"}, {"json"}, &flags)) return 2;
  std::string address;
  auto stub = QueryStub(&address);
  grpc::ClientContext context;
  SetDeadline(&context);
  if (!flags.positional.empty()) {
    v1::GetAuthorRequest request;
    request.set_name(JoinWords(flags.positional));
    v1::AuthorProfile author;
    grpc::Status status = stub->GetAuthor(&context, request, &author);
    if (!status.ok()) return FailedCall("authors", "GetAuthor", address, status);
    if (flags.Has("json")) {
      std::printf("%s\n", ToJsonLine(author).c_str());
      return 0;
    }
    bool tty = isatty(STDOUT_FILENO) != 0;
    std::printf("%s\n%s\n%lld article(s); latest: %s (%s)\n", Bold(author.name(), tty).c_str(),
                author.bio().c_str(), static_cast<long long>(author.article_count()),
                author.latest_article().title().c_str(), author.latest_article().id().c_str());
    return 0;
  }
  v1::ListAuthorsRequest request;
  int limit = 0;
  if (!ParseLimit(flags, "20", &limit)) return 2;
  request.set_page_size(limit);
  request.set_page_token(flags.Get("page-token"));
  v1::ListAuthorsResponse response;
  grpc::Status status = stub->ListAuthors(&context, request, &response);
  if (!status.ok()) return ReportRpcError("ListAuthors", address, status);
  if (flags.Has("json")) {
    std::printf("%s\n", ToJsonLine(response).c_str());
    return 0;
  }
  for (const v1::AuthorProfile& a : response.authors()) {
    std::printf("%6lld  %s  (latest: %s)\n", static_cast<long long>(a.article_count()),
                a.name().c_str(), a.latest_article().title().c_str());
  }
  PrintNextPageToken(response.next_page_token());
  return 0;
}

int Similar(const std::vector<std::string>& args) {
  Flags flags;
  if (!ParseFlags(args, {"limit"}, {"json"}, &flags)) return 2;
  if (flags.positional.size() != 1) {
    std::fprintf(stderr, "usage: broadsheet similar [--limit N] [--json] ID\n");
    return 2;
  }
  std::string address;
  auto stub = QueryStub(&address);
  grpc::ClientContext context;
  SetDeadline(&context);
  v1::FindSimilarArticlesRequest request;
  request.set_id(flags.positional[0]);
  int limit = 0;
  if (!ParseLimit(flags, "10", &limit)) return 2;
  request.set_page_size(limit);
  v1::FindSimilarArticlesResponse response;
  grpc::Status status = stub->FindSimilarArticles(&context, request, &response);
  if (!status.ok()) return FailedCall("similar", "FindSimilarArticles", address, status);
  if (flags.Has("json")) {
    std::printf("%s\n", ToJsonLine(response).c_str());
    return 0;
  }
  bool tty = isatty(STDOUT_FILENO) != 0;
  int n = 0;
  for (const v1::SimilarArticle& s : response.articles()) {
    std::printf("%2d. %s\n    %s · %s\n", ++n, Bold(s.article().title(), tty).c_str(),
                Byline(s.article()).c_str(),
                s.near_duplicate() ? ("near-duplicate, distance " + std::to_string(s.distance())).c_str()
                                   : ("score " + std::to_string(s.score())).c_str());
  }
  return 0;
}

int Comments(const std::vector<std::string>& args) {
  Flags flags;
  if (!ParseFlags(args, {"limit", "page-token"}, {"json"}, &flags)) return 2;
  if (flags.positional.size() != 1) {
    std::fprintf(stderr,
                 "usage: broadsheet comments [--limit N] [--page-token TOKEN] [--json] ID\n");
    return 2;
  }
  std::string address;
  auto stub = QueryStub(&address);
  grpc::ClientContext context;
  SetDeadline(&context);
  v1::ListCommentsRequest request;
  request.set_article_id(flags.positional[0]);
  int limit = 0;
  if (!ParseLimit(flags, "20", &limit)) return 2;
  request.set_page_size(limit);
  request.set_page_token(flags.Get("page-token"));
  v1::ListCommentsResponse response;
  grpc::Status status = stub->ListComments(&context, request, &response);
  if (!status.ok()) return FailedCall("comments", "ListComments", address, status);
  if (flags.Has("json")) {
    std::printf("%s\n", ToJsonLine(response).c_str());
    return 0;
  }
  bool tty = isatty(STDOUT_FILENO) != 0;
  for (const v1::Comment& c : response.comments()) {
    std::string when =
        c.has_posted_at()
            ? google::protobuf::util::TimeUtil::ToString(c.posted_at()).substr(0, 16) + " UTC"
            : std::string();
    std::replace(when.begin(), when.end(), 'T', ' ');
    std::printf("%s%s%s\n%s\n\n", Bold(c.author().empty() ? "(no name)" : c.author(), tty).c_str(),
                when.empty() ? "" : " \xc2\xb7 ", when.c_str(), c.text().c_str());
  }
  if (response.comments().empty()) std::printf("no comments\n");
  PrintNextPageToken(response.next_page_token());
  return 0;
}

int Watch(const std::vector<std::string>& args) {
  Flags flags;
  if (!ParseFlags(args, WithFilterFlags({"resume", "count"}), {"json", "duplicates"}, &flags)) {
    return 2;
  }
  v1::WatchArticlesRequest request;
  request.set_query(JoinWords(flags.positional));
  request.set_resume_token(flags.Get("resume"));
  request.set_include_duplicates(flags.Has("duplicates"));
  if (!FilterFromFlags(flags, request.mutable_filter())) return 2;
  long count = std::atol(flags.Get("count", "0").c_str());  // 0 = until interrupted
  std::string address;
  auto stub = QueryStub(&address);
  grpc::ClientContext context;
  auto reader = stub->WatchArticles(&context, request);
  bool tty = isatty(STDOUT_FILENO) != 0;
  if (isatty(STDERR_FILENO) != 0) {  // a person waiting should know it is working
    std::fprintf(stderr, "watching %s for new articles%s%s (Ctrl-C to stop)\n", address.c_str(),
                 request.query().empty() ? "" : " matching ", request.query().c_str());
  }
  v1::WatchArticlesResponse message;
  long seen = 0;
  while ((count == 0 || seen < count) && reader->Read(&message)) {
    ++seen;
    if (flags.Has("json")) {
      std::printf("%s\n", ToJsonLine(message).c_str());
    } else {
      std::printf("%s\n    %s\n    resume: %s\n", Bold(message.article().title(), tty).c_str(),
                  Byline(message.article()).c_str(), message.resume_token().c_str());
    }
    std::fflush(stdout);
  }
  if (count > 0 && seen >= count) {
    context.TryCancel();
    reader->Finish();
    return 0;
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) return ReportRpcError("WatchArticles", address, status);
  return 0;
}

int Get(const std::vector<std::string>& args) {
  Flags flags;
  if (!ParseFlags(args, {}, {"json"}, &flags)) return 2;
  if (flags.positional.size() != 1) {
    std::fprintf(stderr, "usage: broadsheet get [--json] ID\n");
    return 2;
  }
  std::string address;
  auto stub = QueryStub(&address);
  grpc::ClientContext context;
  SetDeadline(&context);
  v1::GetArticleRequest request;
  request.set_id(flags.positional[0]);
  v1::Article article;
  grpc::Status status = stub->GetArticle(&context, request, &article);
  if (!status.ok()) return FailedCall("get", "GetArticle", address, status);
  if (flags.Has("json")) {
    std::printf("%s\n", ToJsonLine(article).c_str());
    return 0;
  }
  bool tty = isatty(STDOUT_FILENO) != 0;
  std::printf("%s\n", Bold(article.title(), tty).c_str());
  if (!article.standfirst().empty()) std::printf("%s\n", article.standfirst().c_str());
  std::printf("%s\n", Byline(article).c_str());
  if (!article.url().empty()) std::printf("%s\n", article.url().c_str());
  std::printf("\n");
  if (!article.image().caption().empty() || !article.image().credit().empty()) {
    std::printf("[image: %s%s%s]\n\n", article.image().caption().c_str(),
                article.image().credit().empty() ? "" : " · ",
                article.image().credit().c_str());
  }
  for (const std::string& p : article.paragraphs()) std::printf("%s\n\n", p.c_str());
  if (!article.author().bio().empty()) std::printf("%s\n\n", article.author().bio().c_str());
  for (const v1::SourcePage& s : article.sources()) {
    std::printf("source: %s %s\n", s.page_id().c_str(), s.url().c_str());
  }
  if (!article.near_duplicate_ids().empty()) {
    std::printf("near-duplicates: %s\n", absl::StrJoin(article.near_duplicate_ids(), " ").c_str());
  }
  return 0;
}

}  // namespace broadsheet::cli
