// The indexer's guarantees, proven by breaking things on purpose against the
// real broker and database: 10,000 generated articles with exact and near
// duplicates plus undecodable records, written while the test SIGKILLs
// indexers, stops PostgreSQL, runs two indexers in one group, and replays the
// topic. Each test uses its own topic, consumer group and author names, so
// it can share the stack with other tests and with earlier runs.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <map>
#include <pqxx/pqxx>
#include <random>
#include <set>
#include <thread>

#include "broadsheet/v1/article.pb.h"
#include "common/env.h"
#include "common/kafka_admin.h"
#include "common/kafka_consumer.h"
#include "common/kafka_producer.h"
#include "query/article_reader.h"
#include "stack_test_util.h"

namespace broadsheet {
namespace {

using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr int kArticles = 10000;
constexpr int kExactDuplicates = 500;  // same article from a second page
constexpr int kNearDuplicates = 300;   // fingerprint 1..3 bits away
constexpr int kUndecodable = 7;
constexpr int kAuthors = 20;

std::string Nonce() {
  static std::mt19937_64 rng(std::random_device{}());
  std::string s;
  for (int i = 0; i < 10; ++i) s.push_back(static_cast<char>('a' + rng() % 26));
  return s;
}

std::string Hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// The articles of one run and what the database must hold afterwards.
struct Workload {
  std::string nonce;
  std::vector<OutRecord> records;
  std::set<std::string> ids;
  int source_pages = 0;
  int near_pairs = 0;
  std::map<std::string, int> per_author;
};

Workload MakeWorkload(const std::string& topic) {
  Workload w;
  w.nonce = Nonce();
  std::mt19937_64 rng(std::hash<std::string>()(w.nonce));
  auto article = [&](int i, uint64_t fingerprint, const std::string& page) {
    v1::Article a;
    a.set_id(Hex16(rng()));
    a.set_title("Resilience " + w.nonce + " article " + std::to_string(i));
    a.set_standfirst("A generated standfirst for testing the indexer.");
    for (int p = 0; p < 4; ++p) {
      a.add_paragraphs("Paragraph " + std::to_string(p) + " of article " + std::to_string(i) +
                       " talks about councils, rivers, budgets and " + w.nonce + ".");
    }
    std::string author = "Author " + w.nonce + " " + std::to_string(i % kAuthors);
    a.mutable_author()->set_name(author);
    a.mutable_author()->set_bio(author + " writes tests.");
    a.mutable_site()->set_name("Site " + w.nonce);
    a.set_language("en");
    a.set_word_count(60);
    a.set_fingerprint(fingerprint);
    auto* source = a.add_sources();
    source->set_page_id(page);
    source->set_url("https://test.example/" + page);
    return a;
  };
  auto add = [&](const v1::Article& a) {
    OutRecord r{topic, a.id(), "", {}};
    a.SerializeToString(&r.value);
    w.records.push_back(std::move(r));
  };
  std::vector<v1::Article> originals;
  for (int i = 0; i < kArticles - kNearDuplicates; ++i) {
    v1::Article a = article(i, rng(), "page-" + w.nonce + "-" + std::to_string(i));
    originals.push_back(a);
    w.ids.insert(a.id());
    ++w.source_pages;
    ++w.per_author[a.author().name()];
    add(a);
  }
  for (int i = 0; i < kNearDuplicates; ++i) {
    const v1::Article& base = originals[static_cast<size_t>(i) * 7];
    uint64_t fp = base.fingerprint();
    int bits = 1 + i % 3;
    for (int b = 0; b < bits; ++b) fp ^= 1ULL << ((i * 13 + b * 17) % 64);
    v1::Article a = article(100000 + i, fp, "near-" + w.nonce + "-" + std::to_string(i));
    w.ids.insert(a.id());
    ++w.source_pages;
    ++w.near_pairs;
    ++w.per_author[a.author().name()];
    add(a);
  }
  for (int i = 0; i < kExactDuplicates; ++i) {
    v1::Article a = originals[i * 11 + 3];
    a.clear_sources();
    a.add_sources()->set_page_id("again-" + w.nonce + "-" + std::to_string(i));
    ++w.source_pages;
    add(a);
  }
  for (int i = 0; i < kUndecodable; ++i) {
    w.records.push_back({topic, "garbage-" + w.nonce + "-" + std::to_string(i),
                         "\xff\xff\x01 not an article " + std::to_string(i), {}});
  }
  std::shuffle(w.records.begin(), w.records.end(), rng);
  return w;
}

// A broadsheet-indexer child process on the test's topic and group.
class IndexerProcess {
 public:
  IndexerProcess(const std::string& topic, const std::string& group, bool replay = false)
      : log_(std::string("/tmp/indexer-") + group + (replay ? "-replay" : "") + ".log") {
    std::remove(log_.c_str());
    pid_ = fork();
    if (pid_ == 0) {
      setenv("BROADSHEET_ARTICLES_TOPIC", topic.c_str(), 1);
      setenv("BROADSHEET_INDEXER_GROUP", group.c_str(), 1);
      setenv("BROADSHEET_INDEXER_LISTEN", "127.0.0.1:0", 1);
      setenv("BROADSHEET_INDEXER_METRICS_LISTEN", "127.0.0.1:0", 1);
      setenv("BROADSHEET_INDEXER_BATCH", "400", 1);
      if (freopen(log_.c_str(), "a", stderr) == nullptr) _exit(126);
      if (replay) {
        execl(BROADSHEET_INDEXER_BIN, BROADSHEET_INDEXER_BIN, "--reset-offsets", "earliest",
              static_cast<char*>(nullptr));
      } else {
        execl(BROADSHEET_INDEXER_BIN, BROADSHEET_INDEXER_BIN, static_cast<char*>(nullptr));
      }
      _exit(127);
    }
  }
  ~IndexerProcess() { Stop(SIGKILL); }
  // Returns the exit status (or -signal).
  int Stop(int sig) {
    if (pid_ <= 0) return 0;
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  }

  // Sums of the "batch indexed" log lines so far: {records, new articles}.
  std::pair<int64_t, int64_t> Progress() const {
    std::ifstream in(log_);
    std::string line;
    int64_t records = 0, fresh = 0;
    while (std::getline(in, line)) {
      if (line.find("\"batch indexed\"") == std::string::npos) continue;
      auto json = nlohmann::json::parse(line, nullptr, false);
      if (json.is_discarded()) continue;
      records += json.value("records", 0);
      fresh += json.value("new_articles", 0);
    }
    return {records, fresh};
  }

 private:
  std::string log_;
  pid_t pid_ = -1;
};

class IndexerResilienceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    settings_ = LoadCommonSettings();
    std::string database_error;
    try {
      pqxx::connection probe(settings_.database_url);
    } catch (const std::exception& e) {
      database_error = e.what();
    }
    BROADSHEET_REQUIRE_STACK(database_error.empty(), "database unreachable: " + database_error);
    topic_ = "it.articles." + Nonce();
    absl::Status created = CreateTopic(settings_.kafka_brokers, topic_, 6);
    BROADSHEET_REQUIRE_STACK(created.ok(), "cannot create topic: " + created.ToString());
    group_ = "it-indexer-" + Nonce();
    workload_ = MakeWorkload(topic_);
  }

  void Produce(size_t from, size_t to) {
    auto producer = KafkaProducer::Create(settings_.kafka_brokers);
    ASSERT_TRUE(producer.ok()) << producer.status();
    std::vector<OutRecord> slice(workload_.records.begin() + static_cast<std::ptrdiff_t>(from),
                                 workload_.records.begin() + static_cast<std::ptrdiff_t>(to));
    absl::Status sent = (*producer)->Send(slice);
    ASSERT_TRUE(sent.ok()) << sent;
  }

  int64_t StoredArticles() {
    for (int attempt = 0;; ++attempt) {
      try {
        pqxx::connection c(settings_.database_url);
        pqxx::work t(c);
        return t.exec_params1("SELECT count(*) FROM articles WHERE title LIKE $1",
                              "Resilience " + workload_.nonce + " %")[0]
            .as<int64_t>();
      } catch (const std::exception&) {
        if (attempt > 100) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));  // database restarting
      }
    }
  }

  // Waits until every article and source page is stored and stays so.
  void AwaitComplete() {
    auto until = Clock::now() + seconds(240);
    while (Clock::now() < until && StoredArticles() < static_cast<int64_t>(workload_.ids.size())) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    auto sources_until = Clock::now() + seconds(60);
    while (Clock::now() < sources_until && SourcePages() < workload_.source_pages) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
  }

  int64_t SourcePages() {
    pqxx::connection c(settings_.database_url);
    pqxx::work t(c);
    return t.exec_params1(
                "SELECT count(*) FROM source_pages sp JOIN articles a ON a.id = sp.article_id "
                "WHERE a.title LIKE $1",
                "Resilience " + workload_.nonce + " %")[0]
        .as<int64_t>();
  }

  // Everything the database must hold for this workload, exactly.
  void ExpectExactlyTheWorkload() {
    pqxx::connection c(settings_.database_url);
    pqxx::work t(c);
    std::string like = "Resilience " + workload_.nonce + " %";
    pqxx::result rows = t.exec_params("SELECT id FROM articles WHERE title LIKE $1", like);
    std::set<std::string> stored;
    for (const auto& row : rows) stored.insert(row[0].c_str());
    EXPECT_EQ(stored.size(), workload_.ids.size());
    EXPECT_TRUE(stored == workload_.ids) << "stored ids differ from the generated ones";
    EXPECT_EQ(SourcePages(), workload_.source_pages);
    int64_t near_rows =
        t.exec_params1("SELECT count(*) FROM near_duplicates d JOIN articles a ON a.id = d.article_id "
                       "WHERE a.title LIKE $1",
                       like)[0]
            .as<int64_t>();
    EXPECT_EQ(near_rows, 2 * workload_.near_pairs) << "near-duplicate links (both directions)";
    int64_t hidden = t.exec_params1(
                         "SELECT count(*) FROM articles WHERE title LIKE $1 AND canonical_id <> id",
                         like)[0]
                         .as<int64_t>();
    EXPECT_EQ(hidden, workload_.near_pairs) << "one of each near pair collapses into the other";
    for (const auto& [author, count] : workload_.per_author) {
      pqxx::result a = t.exec_params(
          "SELECT article_count, (SELECT count(*) FROM articles x WHERE x.author_id = au.id) "
          "FROM authors au WHERE name = $1",
          author);
      ASSERT_EQ(a.size(), 1u) << author;
      EXPECT_EQ(a[0][0].as<int>(), count) << author << " article_count";
      EXPECT_EQ(a[0][1].as<int>(), count) << author << " linked articles";
    }
    int64_t site_count =
        t.exec_params1("SELECT article_count FROM sites WHERE name = $1", "Site " + workload_.nonce)[0]
            .as<int64_t>();
    EXPECT_EQ(site_count, static_cast<int64_t>(workload_.ids.size()));
  }

  void ExpectDeadLetters() {
    ConsumerOptions options;
    options.brokers = settings_.kafka_brokers;
    options.group_id = "it-dlq-" + Nonce();
    options.topics = {settings_.dlq_topic};
    auto consumer = KafkaConsumer::Create(options);
    ASSERT_TRUE(consumer.ok());
    std::set<std::string> found;
    auto until = Clock::now() + seconds(60);
    while (Clock::now() < until && static_cast<int>(found.size()) < kUndecodable) {
      auto batch = (*consumer)->Poll(1000, std::chrono::milliseconds(500));
      ASSERT_TRUE(batch.ok());
      for (const InRecord& r : *batch) {
        if (r.Header("broadsheet.source.topic") != topic_) continue;
        EXPECT_EQ(r.Header("broadsheet.error.reason"), "UNDECODABLE_RECORD");
        EXPECT_FALSE(r.Header("broadsheet.source.offset").empty());
        found.insert(r.key);
      }
    }
    EXPECT_EQ(static_cast<int>(found.size()), kUndecodable);
  }

  CommonSettings settings_;
  std::string topic_, group_;
  Workload workload_;
};

TEST_F(IndexerResilienceTest, SigkillMidBatchLosesAndDuplicatesNothing) {
  Produce(0, workload_.records.size());
  {
    IndexerProcess indexer(topic_, group_);
    auto until = Clock::now() + seconds(120);
    while (Clock::now() < until && StoredArticles() < 2000) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(indexer.Stop(SIGKILL), -SIGKILL);
  }
  int64_t at_kill = StoredArticles();
  EXPECT_LT(at_kill, static_cast<int64_t>(workload_.ids.size())) << "killed too late to matter";
  IndexerProcess restarted(topic_, group_);
  AwaitComplete();
  ExpectExactlyTheWorkload();
  ExpectDeadLetters();
  EXPECT_EQ(restarted.Stop(SIGTERM), 0) << "graceful shutdown on SIGTERM";
}

TEST_F(IndexerResilienceTest, DatabaseRestartLosesAndDuplicatesNothing) {
  IndexerProcess indexer(topic_, group_);
  // The query side's reader, its pooled connections opened before the restart.
  ArticleReader reader(LoadCommonSettings().database_url, 1);
  ArticleQuery query;
  query.text = "harbour";
  ASSERT_TRUE(reader.LatestCursor(seconds(5)).ok());
  ASSERT_TRUE(reader.Search(query, SearchOptions(), seconds(5)).ok());
  Produce(0, workload_.records.size() / 2);
  auto until = Clock::now() + seconds(120);
  while (Clock::now() < until && StoredArticles() < 1000) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(std::system("bash " BROADSHEET_SOURCE_DIR "/scripts/stack.sh pg-stop"), 0);
  Produce(workload_.records.size() / 2, workload_.records.size());
  std::this_thread::sleep_for(seconds(3));  // the indexer meets the outage and retries
  EXPECT_EQ(reader.LatestCursor(seconds(5)).status().code(), absl::StatusCode::kUnavailable);
  ASSERT_EQ(std::system("bash " BROADSHEET_SOURCE_DIR "/scripts/stack.sh pg-start"), 0);
  AwaitComplete();
  ExpectExactlyTheWorkload();
  ExpectDeadLetters();
  // Reads after the restart succeed at once: broken pooled connections are
  // replaced, not reported to the caller.
  EXPECT_TRUE(reader.LatestCursor(seconds(5)).ok());
  auto page = reader.Search(query, SearchOptions(), seconds(5));
  EXPECT_TRUE(page.ok()) << page.status();
}

TEST_F(IndexerResilienceTest, TwoIndexersOneKilledMidwayShareTheWork) {
  Produce(0, workload_.records.size());
  IndexerProcess first(topic_, group_);
  {
    IndexerProcess second(topic_, group_);
    auto until = Clock::now() + seconds(120);
    while (Clock::now() < until && StoredArticles() < 3000) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    second.Stop(SIGKILL);
  }
  AwaitComplete();
  ExpectExactlyTheWorkload();
  ExpectDeadLetters();
}

TEST_F(IndexerResilienceTest, ReplayFromEarliestChangesNothing) {
  Produce(0, workload_.records.size());
  {
    IndexerProcess indexer(topic_, group_);
    AwaitComplete();
    ExpectExactlyTheWorkload();
    EXPECT_EQ(indexer.Stop(SIGTERM), 0);
  }
  IndexerProcess replay(topic_, group_, /*replay=*/true);
  auto until = Clock::now() + seconds(180);
  while (Clock::now() < until &&
         replay.Progress().first < static_cast<int64_t>(workload_.records.size())) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  auto [records, fresh] = replay.Progress();
  EXPECT_EQ(records, static_cast<int64_t>(workload_.records.size())) << "replay read every record";
  EXPECT_EQ(fresh, 0) << "a replay stores nothing new";
  ExpectExactlyTheWorkload();
  EXPECT_EQ(replay.Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace broadsheet
