// broadsheet-parse-core: developer driver for the core parser. Reads pages
// from files (or stdin) and prints one JSON object per page in the proto3
// JSON shape of broadsheet.v1.ParsedPage (what tools/check-seeds reads).
//
// Usage: broadsheet-parse-core [--format auto|text|jsonl|wet] [--profiles DIR]
//                              [--max-page-bytes N] [FILE...]
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/date_line.h"
#include "core/page_parser.h"
#include "core/page_reader.h"
#include "core/profile_loader.h"

namespace {

using broadsheet::ParsedPage;
using Json = nlohmann::ordered_json;

void PutIf(Json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}

// Unix seconds as proto3 JSON prints a Timestamp ("2024-03-14T06:30:00Z").
std::string Rfc3339(int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Json ToJson(const std::string& source, const ParsedPage& page) {
  Json j;
  j["source"] = source;
  Json site = Json::object();
  PutIf(site, "name", page.site.name);
  PutIf(site, "tagline", page.site.tagline);
  if (!site.empty()) j["site"] = site;
  Json articles = Json::array();
  for (const auto& a : page.articles) {
    Json ja;
    PutIf(ja, "id", a.id);
    PutIf(ja, "title", a.title);
    PutIf(ja, "standfirst", a.standfirst);
    if (!a.paragraphs.empty()) ja["paragraphs"] = a.paragraphs;
    Json author = Json::object();
    PutIf(author, "name", a.author.name);
    PutIf(author, "bio", a.author.bio);
    if (!author.empty()) ja["author"] = author;
    Json image = Json::object();
    PutIf(image, "caption", a.image.caption);
    PutIf(image, "credit", a.image.credit);
    if (!image.empty()) ja["image"] = image;
    if (a.word_count != 0) ja["wordCount"] = a.word_count;
    PutIf(ja, "language", a.language);
    if (a.fingerprint != 0) ja["fingerprint"] = std::to_string(a.fingerprint);
    if (a.published_at) ja["publishedAt"] = Rfc3339(*a.published_at);
    articles.push_back(std::move(ja));
  }
  if (!articles.empty()) j["articles"] = std::move(articles);
  Json comments = Json::array();
  for (const auto& c : page.comments) {
    Json jc{{"text", c.text}};
    PutIf(jc, "author", c.author);
    if (c.posted_at) jc["postedAt"] = Rfc3339(*c.posted_at);
    comments.push_back(std::move(jc));
  }
  if (!comments.empty()) j["comments"] = std::move(comments);
  Json dropped = Json::array();
  for (const auto& d : page.dropped) dropped.push_back(Json{{"text", d.text}, {"rule", d.rule}});
  if (!dropped.empty()) j["dropped"] = std::move(dropped);
  return j;
}

int Usage() {
  std::cerr << "usage: broadsheet-parse-core [--format auto|text|jsonl|wet] [--profiles DIR]\n"
               "                             [--max-page-bytes N] [--explain] [FILE...]\n"
               "  --explain  print how each page's blocks were read (kind, rule, + content,\n"
               "             * taken) before its JSON line\n";
  return 2;
}

int RunParse(int argc, char** argv) {
  broadsheet::InputFormat format = broadsheet::InputFormat::kAuto;
  std::string profiles_dir = broadsheet::DefaultProfilesDir();
  broadsheet::ParseOptions options;
  std::vector<std::string> files;
  bool explain = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--explain") {
      explain = true;
      continue;
    }
    if ((arg == "--format" || arg == "--profiles" || arg == "--max-page-bytes") && i + 1 < argc) {
      const std::string value = argv[++i];
      if (arg == "--format") {
        auto f = broadsheet::ParseInputFormat(value);
        if (!f) return Usage();
        format = *f;
      } else if (arg == "--profiles") {
        profiles_dir = value;
      } else {
        options.max_page_bytes = std::strtoull(value.c_str(), nullptr, 10);
      }
    } else if (arg == "-h" || arg == "--help" || arg.starts_with("--")) {
      return Usage();
    } else {
      files.push_back(arg);
    }
  }
  auto profiles = broadsheet::LoadProfiles(profiles_dir);
  if (!profiles.ok()) {
    std::cerr << "warning: " << profiles.status().message() << "; using built-in profiles\n";
    profiles = broadsheet::ProfileSet::Builtin();
  }
  const broadsheet::PageParser parser(*std::move(profiles), options);
  if (files.empty()) files.push_back("-");
  int status = 0;
  for (const auto& file : files) {
    std::ifstream fin;
    std::istream* in = &std::cin;
    if (file != "-") {
      fin.open(file, std::ios::binary);
      if (!fin) {
        std::cerr << "cannot open " << file << "\n";
        status = 1;
        continue;
      }
      in = &fin;
    }
    auto reader = broadsheet::PageReader::Create(*in, format, file, options.max_page_bytes);
    broadsheet::RawPageRecord rec;
    while (reader->Next(&rec)) {
      Json out;
      if (rec.error) {
        out = Json{{"source", rec.source},
                   {"error",
                    {{"reason", std::string(broadsheet::RejectReasonName(rec.error->reason))},
                     {"message", rec.error->message}}}};
      } else {
        // The crawler's fetch time (RFC 3339) dates the page's relative times.
        const std::optional<int64_t> fetched_at = broadsheet::ParseRfc3339(rec.fetched_at);
        if (explain) std::cout << parser.Explain(rec.text, rec.url, fetched_at);
        auto result = parser.Parse(rec.text, rec.url, fetched_at);
        if (auto* page = std::get_if<ParsedPage>(&result)) {
          out = ToJson(rec.source, *page);
        } else {
          const auto& err = std::get<broadsheet::ParseError>(result);
          out = Json{{"source", rec.source},
                     {"error",
                      {{"reason", std::string(broadsheet::RejectReasonName(err.reason))},
                       {"message", err.message}}}};
        }
      }
      if (!rec.url.empty()) out["url"] = rec.url;
      std::cout << out.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
    }
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return RunParse(argc, argv);
  } catch (const std::exception& e) {  // e.g. out of memory: say so, not abort()
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
}
