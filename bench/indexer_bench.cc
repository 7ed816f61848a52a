// Sustained write throughput of the real indexer: generated articles are
// produced to a fresh topic, then K broadsheet-indexer processes (one
// consumer group) write them into a fresh database with the full-text index.
// Reports articles/s and MB/s between 10 % and 100 % stored (steady state,
// without start-up), and over the whole run.
//
//   broadsheet-indexer-bench [--articles N] [--bytes B] [--indexers K] [--batch S]
//                            [--comments C]
//
// --comments gives each article's page C reader comments of ~20 words, with
// a time, so the cost of storing comments shows (default 0).
// Needs the local stack (make up). Uses database broadsheet_bench (dropped
// and re-created) on the server of BROADSHEET_DATABASE_URL.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <pqxx/pqxx>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/article_generator.h"
#include "common/env.h"
#include "common/kafka_admin.h"
#include "common/kafka_producer.h"

using namespace broadsheet;
using Clock = std::chrono::steady_clock;

namespace {

std::string ReplaceDatabase(const std::string& url, const std::string& db) {
  return url.substr(0, url.rfind('/') + 1) + db;
}

pid_t StartIndexer(const std::string& topic, const std::string& group, const std::string& db_url,
                   int batch, int index) {
  pid_t pid = fork();
  if (pid == 0) {
    setenv("BROADSHEET_ARTICLES_TOPIC", topic.c_str(), 1);
    setenv("BROADSHEET_INDEXER_GROUP", group.c_str(), 1);
    setenv("BROADSHEET_DATABASE_URL", db_url.c_str(), 1);
    setenv("BROADSHEET_INDEXER_LISTEN", "127.0.0.1:0", 1);
    setenv("BROADSHEET_INDEXER_METRICS_LISTEN", "127.0.0.1:0", 1);
    setenv("BROADSHEET_INDEXER_BATCH", std::to_string(batch).c_str(), 1);
    std::string log = "/tmp/indexer-bench-" + std::to_string(index) + ".log";
    if (freopen(log.c_str(), "w", stderr) == nullptr) _exit(126);
    execl(BROADSHEET_INDEXER_BIN, BROADSHEET_INDEXER_BIN, static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

}  // namespace

int main(int argc, char** argv) {
  int articles = 20000, indexers = 1, batch = 1000, comments = 0;
  size_t bytes = 5000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--articles")) articles = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--bytes")) bytes = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--indexers")) indexers = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--batch")) batch = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--comments"))
      comments = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr,
                   "usage: %s [--articles N] [--bytes B] [--indexers K] [--batch S] "
                   "[--comments C]\n",
                   argv[0]);
      return 2;
    }
  }
  CommonSettings settings = LoadCommonSettings();
  std::string db_url = ReplaceDatabase(settings.database_url, "broadsheet_bench");
  {
    pqxx::connection admin(settings.database_url);
    pqxx::nontransaction t(admin);
    t.exec("DROP DATABASE IF EXISTS broadsheet_bench WITH (FORCE)");
    t.exec("CREATE DATABASE broadsheet_bench");
  }
  std::string run = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  std::string topic = "bench.articles." + run;
  if (absl::Status s = CreateTopic(settings.kafka_brokers, topic, 6); !s.ok()) {
    std::fprintf(stderr, "create topic: %s\n", s.ToString().c_str());
    return 1;
  }

  auto producer = KafkaProducer::Create(settings.kafka_brokers);
  if (!producer.ok()) return 1;
  bench::ArticleGenerator generator(42);
  size_t total_bytes = 0;
  auto produce_start = Clock::now();
  for (int done = 0; done < articles;) {
    std::vector<OutRecord> chunk;
    for (int i = 0; i < 2000 && done < articles; ++i, ++done) {
      v1::Article a = generator.Next(bytes);
      for (int c = 0; c < comments && a.sources_size() > 0; ++c) {
        v1::Comment* comment = a.mutable_sources(0)->add_comments();
        comment->set_author(generator.RandomWord() + " " + generator.RandomWord());
        std::string text;
        for (int w = 0; w < 20; ++w) text += (w > 0 ? " " : "") + generator.RandomWord();
        comment->set_text(text);
        comment->mutable_posted_at()->set_seconds(1779000000 + done * 60 + c);
      }
      OutRecord r{topic, a.id(), "", {}};
      a.SerializeToString(&r.value);
      total_bytes += r.value.size();
      chunk.push_back(std::move(r));
    }
    if (absl::Status s = (*producer)->Send(chunk); !s.ok()) {
      std::fprintf(stderr, "produce: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  double produce_s = std::chrono::duration<double>(Clock::now() - produce_start).count();
  std::printf("produced %d articles (%.1f MB) in %.1f s\n", articles,
              static_cast<double>(total_bytes) / 1e6, produce_s);

  std::vector<pid_t> pids;
  pids.reserve(indexers);
  auto start = Clock::now();
  for (int i = 0; i < indexers; ++i) pids.push_back(StartIndexer(topic, "bench-" + run, db_url, batch, i));
  Clock::time_point at10{}, at100{};
  int64_t stored = 0;
  // Progress is polled on one connection from the narrow feed table (one
  // row per stored article): counting `articles` itself every 100 ms was a
  // parallel scan of the whole table, and a new connection a fresh backend,
  // both taking CPU from the indexer being measured.
  std::unique_ptr<pqxx::connection> progress;
  while (Clock::now() - start < std::chrono::minutes(20)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    try {
      if (!progress) progress = std::make_unique<pqxx::connection>(db_url);
      pqxx::nontransaction t(*progress);
      stored = t.exec1("SELECT count(*) FROM article_feed")[0].as<int64_t>();
    } catch (const std::exception&) {
      progress.reset();
      continue;  // schema not migrated yet
    }
    if (at10 == Clock::time_point{} && stored >= articles / 10) at10 = Clock::now();
    if (stored >= articles) {
      at100 = Clock::now();
      break;
    }
  }
  for (pid_t pid : pids) {
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
  }
  if (at100 == Clock::time_point{}) {
    std::fprintf(stderr, "timed out with %lld of %d stored\n", static_cast<long long>(stored), articles);
    return 1;
  }
  double steady_s = std::chrono::duration<double>(at100 - at10).count();
  double whole_s = std::chrono::duration<double>(at100 - start).count();
  int steady_n = articles - articles / 10;
  double mb_per_article = static_cast<double>(total_bytes) / articles / 1e6;
  std::printf(
      "indexers=%d batch=%d article_bytes=%zu comments=%d: steady %.0f articles/s (%.1f MB/s), "
      "whole run %.0f articles/s (%d articles in %.1f s)\n",
      indexers, batch, bytes, comments, steady_n / steady_s, steady_n / steady_s * mb_per_article,
      articles / whole_s, articles, whole_s);
  return 0;
}
