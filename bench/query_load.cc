// broadsheet-query-load: a closed-loop load generator for the query path.
// N clients each send one request at a time for a fixed duration and record
// every latency; prints p50/p90/p99/max and throughput. Targets:
//   --target=grpc    the QueryService at --address (the real service)
//   --target=direct  ArticleReader in-process against --database: the same
//                    prepared SQL through libpqxx, no gRPC (the "bare SQL"
//                    baseline the service's overhead is measured against)
// Requests: --rpc=search (2-3 word queries drawn from --words, page size 10,
// facets and snippets on, as the service does by default; --no-facets and
// --no-snippets switch them off in direct mode) or --rpc=get
// (GetArticle of ids from --ids). --relevance-window=N mirrors the service's
// BROADSHEET_QUERY_RELEVANCE_WINDOW in direct mode (0: rank every match).
// --order=newest searches newest first; --query=TEXT sends only that
// query; --slowest=N lists the N slowest requests (query or id) on stderr;
// gRPC calls are driven asynchronously from --client-threads=N threads (2),
// each with a completion queue; --client=sync uses a thread per client;
// --search-pool=N, --lookup-pool=N and --get-batches=N mirror the service's
// BROADSHEET_QUERY_SEARCH_POOL_SIZE, BROADSHEET_QUERY_POOL_SIZE and
// BROADSHEET_QUERY_GET_BATCHES in direct mode (default 4, 4 and 1).
//   broadsheet-query-load --target=grpc --address=127.0.0.1:50052 --rpc=search
//       --words=words.txt --concurrency=16 --seconds=20
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "broadsheet/v1/query_service.grpc.pb.h"
#include "query/article_reader.h"
#include "query/search_query.h"

namespace {

using Clock = std::chrono::steady_clock;

std::map<std::string, std::string> ParseArgs(int argc, char** argv) {
  std::map<std::string, std::string> out;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0) continue;
    auto eq = a.find('=');
    out[a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2)] =
        eq == std::string::npos ? "1" : a.substr(eq + 1);
  }
  return out;
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// 2-3 words: one or two common words (first `common` lines of the list) and
// one from the rest, so queries match between a few and a few thousand articles.
std::string MakeQuery(const std::vector<std::string>& words, size_t common, std::mt19937_64& rng) {
  std::string q = words[rng() % common];
  if (rng() % 2 == 0) q += " " + words[rng() % common];
  q += " " + words[common + rng() % (words.size() - common)];
  return q;
}

std::string GrpcError(const grpc::Status& status) {
  return std::to_string(static_cast<int>(status.error_code())) + ": " + status.error_message();
}

}  // namespace

int main(int argc, char** argv) {
  auto args = ParseArgs(argc, argv);
  auto get = [&](const std::string& k, const std::string& d) {
    return args.count(k) ? args[k] : d;
  };
  const std::string target = get("target", "grpc");
  const std::string rpc = get("rpc", "search");
  const int concurrency = std::stoi(get("concurrency", "16"));
  const double seconds = std::stod(get("seconds", "20"));
  const size_t common = std::stoul(get("common", "300"));
  // As the service's BROADSHEET_QUERY_RELEVANCE_WINDOW (direct mode).
  const int relevance_window = std::stoi(get("relevance-window", "1000"));
  std::vector<std::string> words = ReadLines(get("words", "words.txt"));
  std::vector<std::string> ids = ReadLines(get("ids", "ids.txt"));
  if ((rpc == "search" && words.size() <= common) || (rpc == "get" && ids.empty())) {
    std::fprintf(stderr, "need --words (more than --common lines) or --ids\n");
    return 2;
  }

  std::unique_ptr<broadsheet::ArticleReader> reader;
  std::vector<std::unique_ptr<broadsheet::v1::QueryService::Stub>> stubs;
  if (target == "direct") {
    // As the service: lookups on --lookup-pool connections
    // (BROADSHEET_QUERY_POOL_SIZE), searches on --search-pool connections
    // (BROADSHEET_QUERY_SEARCH_POOL_SIZE), --get-batches batches of gets at
    // once (BROADSHEET_QUERY_GET_BATCHES).
    reader = std::make_unique<broadsheet::ArticleReader>(
        get("database", ""), std::stoi(get("lookup-pool", "4")), std::stoi(get("search-pool", "4")),
        "", std::stoi(get("get-batches", "1")));
  } else {
    // A few channels, so one HTTP/2 connection's framing is not the limit.
    for (int i = 0; i < std::max(1, concurrency / 4); ++i) {
      grpc::ChannelArguments channel_args;
      channel_args.SetInt("grpc.channel_id", i);  // distinct channels, not shared subchannels
      stubs.push_back(broadsheet::v1::QueryService::NewStub(grpc::CreateCustomChannel(
          get("address", "127.0.0.1:50052"), grpc::InsecureChannelCredentials(), channel_args)));
    }
  }

  std::atomic<bool> stop{false};
  std::atomic<long> errors{0};
  // The first failures' messages, so a failing run says why.
  std::mutex error_mutex;
  std::vector<std::string> error_messages;
  auto note_error = [&](std::string message) {
    ++errors;
    std::lock_guard<std::mutex> lock(error_mutex);
    if (error_messages.size() < 5) error_messages.push_back(std::move(message));
  };
  std::vector<std::vector<double>> latencies(concurrency);
  // --slowest=N prints the N slowest requests (query text or id) to stderr.
  const size_t slowest = std::stoul(get("slowest", "0"));
  // --query=TEXT searches only that (one query shape at a time).
  const std::string fixed_query = get("query", "");
  const bool newest = get("order", "relevance") == "newest";
  std::vector<std::vector<std::pair<double, std::string>>> requests(concurrency);
  std::vector<std::thread> threads;
  auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
  // gRPC calls are driven by a few threads, each through its own completion
  // queue, rather than by a thread per client (--client=sync): on a small
  // machine shared with the service the harness then takes less of the CPU
  // it measures (GetArticle: 46 -> 30 us of client CPU per call).
  const bool async_client = target == "grpc" && get("client", "async") == "async";
  const int driver_threads = std::max(1, std::min(concurrency, std::stoi(get("client-threads", "2"))));
  for (int d = 0; async_client && d < driver_threads; ++d) {
    threads.emplace_back([&, d] {
      struct Call {
        int slot = 0;
        std::mt19937_64 rng;
        std::unique_ptr<grpc::ClientContext> ctx;
        broadsheet::v1::SearchArticlesResponse search_response;
        broadsheet::v1::Article article;
        std::unique_ptr<grpc::ClientAsyncResponseReader<broadsheet::v1::SearchArticlesResponse>> search;
        std::unique_ptr<grpc::ClientAsyncResponseReader<broadsheet::v1::Article>> lookup;
        grpc::Status status;
        Clock::time_point start;
        std::string what;
      };
      grpc::CompletionQueue cq;
      std::vector<std::unique_ptr<Call>> calls;
      auto issue = [&](Call& call) {
        // The finished call's readers live in its context's arena: gone first.
        call.search.reset();
        call.lookup.reset();
        call.ctx = std::make_unique<grpc::ClientContext>();
        call.ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        auto& stub = stubs[call.slot % stubs.size()];
        call.start = Clock::now();
        if (rpc == "search") {
          broadsheet::v1::SearchArticlesRequest request;
          call.what = fixed_query.empty() ? MakeQuery(words, common, call.rng) : fixed_query;
          request.set_query(call.what);
          if (newest) request.set_order_by("newest");
          call.search = stub->AsyncSearchArticles(call.ctx.get(), request, &cq);
          call.search->Finish(&call.search_response, &call.status, &call);
        } else {
          broadsheet::v1::GetArticleRequest request;
          call.what = ids[call.rng() % ids.size()];
          request.set_id(call.what);
          call.lookup = stub->AsyncGetArticle(call.ctx.get(), request, &cq);
          call.lookup->Finish(&call.article, &call.status, &call);
        }
      };
      for (int slot = d; slot < concurrency; slot += driver_threads) {
        auto call = std::make_unique<Call>();
        call->slot = slot;
        call->rng.seed(1000 + slot);
        issue(*call);
        calls.push_back(std::move(call));
      }
      size_t in_flight = calls.size();
      void* tag = nullptr;
      bool ok = false;
      while (in_flight > 0 && cq.Next(&tag, &ok)) {
        Call& call = *static_cast<Call*>(tag);
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - call.start).count();
        if (!call.status.ok()) note_error(GrpcError(call.status));
        latencies[call.slot].push_back(ms);
        if (slowest > 0) requests[call.slot].emplace_back(ms, std::move(call.what));
        if (Clock::now() < deadline) {
          issue(call);
        } else {
          --in_flight;
        }
      }
      cq.Shutdown();
      while (cq.Next(&tag, &ok)) {
      }
    });
  }
  for (int t = 0; !async_client && t < concurrency; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(1000 + t);
      while (!stop && Clock::now() < deadline) {
        auto start = Clock::now();
        std::string what;
        if (rpc == "search") {
          std::string q = fixed_query.empty() ? MakeQuery(words, common, rng) : fixed_query;
          what = q;
          if (reader) {
            broadsheet::ArticleQuery query;
            broadsheet::ParsedQuery parsed = broadsheet::ParseSearchQuery(q);
            query.text = parsed.text;
            broadsheet::SearchOptions options;
            options.spell_words = parsed.words;
            options.facets = args.count("no-facets") == 0;
            options.snippets = args.count("no-snippets") == 0;
            options.relevance_window = relevance_window;
            if (newest) options.order = broadsheet::SearchOrder::kNewest;
            absl::Status status = reader->Search(query, options, std::chrono::seconds(10)).status();
            if (!status.ok()) note_error(status.ToString());
          } else {
            grpc::ClientContext ctx;
            ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
            broadsheet::v1::SearchArticlesRequest request;
            request.set_query(q);
            if (newest) request.set_order_by("newest");
            broadsheet::v1::SearchArticlesResponse response;
            grpc::Status status = stubs[t % stubs.size()]->SearchArticles(&ctx, request, &response);
            if (!status.ok()) note_error(GrpcError(status));
          }
        } else {
          const std::string& id = ids[rng() % ids.size()];
          what = id;
          if (reader) {
            absl::Status status = reader->Get(id, std::chrono::seconds(10)).status();
            if (!status.ok()) note_error(status.ToString());
          } else {
            grpc::ClientContext ctx;
            ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
            broadsheet::v1::GetArticleRequest request;
            request.set_id(id);
            broadsheet::v1::Article response;
            grpc::Status status = stubs[t % stubs.size()]->GetArticle(&ctx, request, &response);
            if (!status.ok()) note_error(GrpcError(status));
          }
        }
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        latencies[t].push_back(ms);
        if (slowest > 0) requests[t].emplace_back(ms, std::move(what));
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<double> all;
  for (auto& v : latencies) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0
                       : all[std::min(all.size() - 1,
                                      static_cast<size_t>(p * static_cast<double>(all.size())))];
  };
  std::printf(
      "%s %s c=%d: %zu requests in %.0f s, %.0f req/s, p50 %.2f ms, p90 %.2f ms, "
      "p99 %.2f ms, max %.2f ms, errors %ld\n",
      target.c_str(), rpc.c_str(), concurrency, all.size(), seconds,
      static_cast<double>(all.size()) / seconds, pct(0.50), pct(0.90), pct(0.99),
      all.empty() ? 0 : all.back(), errors.load());
  for (const std::string& message : error_messages) std::fprintf(stderr, "error: %s\n", message.c_str());
  if (slowest > 0) {
    std::vector<std::pair<double, std::string>> timed;
    for (auto& v : requests) timed.insert(timed.end(), v.begin(), v.end());
    size_t n = std::min(slowest, timed.size());
    std::partial_sort(timed.begin(), timed.begin() + static_cast<long>(n), timed.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t i = 0; i < n; ++i) {
      std::fprintf(stderr, "%9.2f ms  %s\n", timed[i].first, timed[i].second.c_str());
    }
  }
  return errors > 0 ? 1 : 0;
}
