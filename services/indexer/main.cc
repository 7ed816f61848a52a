// broadsheet-indexer: consumes `broadsheet.articles` in a consumer group and
// writes batches into PostgreSQL, committing offsets only after the database
// transaction commits. Wiring only; the work is in Indexer.
//
//   broadsheet-indexer                           run
//   broadsheet-indexer --migrate-only            apply database migrations and exit
//   broadsheet-indexer --reset-offsets earliest  replay every partition it is
//                                                assigned from the start (idempotent)
#include <atomic>
#include <csignal>
#include <cstring>
#include <thread>

#include "common/env.h"
#include "common/grpc_server.h"
#include "common/kafka_consumer.h"
#include "common/kafka_producer.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/security.h"
#include "indexer/gin_cleaner.h"
#include "indexer/indexer.h"
#include "indexer/migrator.h"

using namespace broadsheet;

namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop = true; }

constexpr char kUsage[] =
    "usage: broadsheet-indexer [--migrate-only | --reset-offsets earliest]\n"
    "                          [--SETTING=VALUE ...] [--config FILE]\n";

}  // namespace

int main(int argc, char** argv) {
  // Flags and the config file fold into the environment before any thread.
  auto args = ApplySettingSources(argc, argv, {"--migrate-only"}, {"--reset-offsets"});
  if (!args.ok()) {
    std::fprintf(stderr, "broadsheet-indexer: %s\n%s", args.status().ToString().c_str(), kUsage);
    return 2;
  }
  bool migrate_only = false;
  bool reset_to_earliest = false;
  for (size_t i = 0; i < args->size(); ++i) {
    if ((*args)[i] == "--migrate-only") {
      migrate_only = true;
    } else if ((*args)[i] == "--reset-offsets" && i + 1 < args->size() &&
               (*args)[i + 1] == "earliest") {
      reset_to_earliest = true;
      ++i;
    } else {
      std::fputs(kUsage, stderr);
      return 2;
    }
  }
  CommonSettings settings = LoadCommonSettings();
  // The password of the writing role, from a mounted secret (common/security.h).
  auto database_url = DatabaseUrlWithPasswordFile(
      settings.database_url, EnvOr("BROADSHEET_DATABASE_PASSWORD_FILE", ""));
  if (!database_url.ok()) {
    LogError("cannot read the database password", {{"error", database_url.status().ToString()}});
    return 1;
  }
  settings.database_url = *database_url;
  auto kafka_extra = KafkaSettingsFromEnv();  // SASL/SSL pass-through (common/security.h)
  if (!kafka_extra.ok()) {
    LogError("invalid Kafka settings", {{"error", kafka_extra.status().ToString()}});
    return 1;
  }
  std::string migrations = EnvOr("BROADSHEET_MIGRATIONS_DIR", BROADSHEET_DEFAULT_MIGRATIONS_DIR);

  // The database may still be starting: retry migrations for a while.
  absl::StatusOr<int> applied = absl::UnavailableError("not tried");
  for (int attempt = 0; attempt < 30; ++attempt) {
    applied = ApplyMigrations(settings.database_url, migrations);
    if (applied.ok() || applied.status().code() != absl::StatusCode::kUnavailable) break;
    LogWarn("database not ready", {{"error", applied.status().ToString()}});
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  if (!applied.ok()) {
    LogError("migrations failed", {{"error", applied.status().ToString()}});
    return 1;
  }
  if (migrate_only) return 0;

  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);

  auto metrics = MetricsServer::Start(EnvOr("BROADSHEET_INDEXER_METRICS_LISTEN", "127.0.0.1:9465"));
  if (!metrics.ok()) {
    LogError("cannot serve metrics", {{"error", metrics.status().ToString()}});
    return 1;
  }
  MetricsServer& m = **metrics;
  auto& consumed = m.Counter("broadsheet_indexer_records_consumed_total", "Records read from Kafka");
  auto& written = m.Counter("broadsheet_indexer_articles_written_total", "Articles newly stored");
  auto& duplicates = m.Counter("broadsheet_indexer_articles_duplicate_total",
                               "Articles already stored (same id from another page or a replay)");
  auto& near = m.Counter("broadsheet_indexer_near_duplicate_links_total",
                         "Near-duplicate pairs linked");
  auto& dead = m.Counter("broadsheet_indexer_dead_letters_total", "Records sent to the DLQ");
  auto& retries = m.Counter("broadsheet_indexer_batch_retries_total",
                            "Batch attempts that failed (database or broker unavailable)");
  auto& batch_seconds = m.Seconds("broadsheet_indexer_batch_seconds", "Time to write one batch");
  auto& lag_family = prometheus::BuildGauge()
                         .Name("broadsheet_indexer_consumer_lag")
                         .Help("Records behind the high watermark, per partition")
                         .Register(m.registry());

  auto producer = KafkaProducer::Create(settings.kafka_brokers, *kafka_extra);
  if (!producer.ok()) {
    LogError("cannot create kafka producer", {{"error", producer.status().ToString()}});
    return 1;
  }
  ConsumerOptions options;
  options.brokers = settings.kafka_brokers;
  options.group_id = EnvOr("BROADSHEET_INDEXER_GROUP", "broadsheet-indexer");
  options.topics = {settings.articles_topic};
  options.reset_to_earliest = reset_to_earliest;
  options.extra = *kafka_extra;
  auto consumer = KafkaConsumer::Create(options);
  if (!consumer.ok()) {
    LogError("cannot create kafka consumer", {{"error", consumer.status().ToString()}});
    return 1;
  }
  // No API of its own, but health checking and reflection like every server,
  // so orchestrators probe all three services the same way.
  std::string listen = EnvOr("BROADSHEET_INDEXER_LISTEN", "127.0.0.1:50053");
  auto server = StartGrpcServer(listen, {});
  if (!server.ok()) {
    LogError("cannot start gRPC server", {{"error", server.status().ToString()}});
    return 1;
  }
  int max_distance = static_cast<int>(EnvIntOr("BROADSHEET_NEAR_DUPLICATE_DISTANCE", 3));
  if (max_distance < 0 || max_distance > 3) {
    LogError("BROADSHEET_NEAR_DUPLICATE_DISTANCE must be 0..3 (four 16-bit bands find up to 3)");
    return 1;
  }
  // BROADSHEET_INDEXER_LEXEMES=postgres leaves all tsvector work to the database.
  bool compute_lexemes = EnvOr("BROADSHEET_INDEXER_LEXEMES", "indexer") != "postgres";
  int lexer_threads = static_cast<int>(EnvIntOr("BROADSHEET_INDEXER_LEXER_THREADS", 2));
  PgArticleStore store(settings.database_url, max_distance, compute_lexemes, lexer_threads);
  // Merges the full-text index's pending list off the write path
  // (BROADSHEET_INDEXER_GIN_MERGE_MS=0 turns it off).
  const auto merge_interval =
      std::chrono::milliseconds(EnvIntOr("BROADSHEET_INDEXER_GIN_MERGE_MS", 500));
  std::unique_ptr<GinCleaner> gin_cleaner;
  if (merge_interval.count() > 0) {
    gin_cleaner =
        std::make_unique<GinCleaner>(settings.database_url, "articles_tsv_idx", merge_interval);
  }
  Indexer indexer(&store, producer->get(), settings.dlq_topic);
  const size_t batch_size = static_cast<size_t>(EnvIntOr("BROADSHEET_INDEXER_BATCH", 4000));
  const auto batch_wait = std::chrono::milliseconds(EnvIntOr("BROADSHEET_INDEXER_BATCH_MS", 200));
  LogInfo("indexer started", {{"group", options.group_id},
                              {"topic", settings.articles_topic},
                              {"batch", batch_size},
                              {"replay", reset_to_earliest}});

  while (!g_stop.load()) {
    auto batch = (*consumer)->Poll(batch_size, batch_wait);
    if (!batch.ok()) {
      LogError("consumer failed", {{"error", batch.status().ToString()}});
      return 1;
    }
    for (const PartitionLag& lag : (*consumer)->Lag()) {
      lag_family.Add({{"topic", lag.topic}, {"partition", std::to_string(lag.partition)}})
          .Set(static_cast<double>(lag.lag));
    }
    if (batch->empty()) continue;
    auto started = std::chrono::steady_clock::now();
    BatchResult result;
    absl::Status status = indexer.Consume(*batch, &result);
    // A database or broker outage is not a bad record: keep the batch, back
    // off, retry. Offsets stay uncommitted until it succeeds. SIGTERM during
    // the wait stops without committing; the batch is redelivered.
    for (int attempt = 1; !status.ok() && !g_stop.load(); ++attempt) {
      retries.Increment();
      LogWarn("batch not written; retrying", {{"error", status.ToString()}, {"attempt", attempt}});
      std::this_thread::sleep_for(
          std::chrono::milliseconds(std::min(5000, 100 << std::min(attempt, 6))));
      status = indexer.Consume(*batch, &result);
    }
    if (!status.ok()) break;
    if (gin_cleaner && result.new_articles > 0) gin_cleaner->Kick();
    if (absl::Status commit = (*consumer)->Commit(*batch); !commit.ok()) {
      LogWarn("offset commit failed; batch will be redelivered", {{"error", commit.ToString()}});
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    batch_seconds.Observe(seconds);
    consumed.Increment(static_cast<double>(batch->size()));
    written.Increment(result.new_articles);
    duplicates.Increment(result.articles - result.new_articles);
    near.Increment(result.near_duplicate_links);
    dead.Increment(result.dead_letters);
    LogInfo("batch indexed", {{"records", batch->size()},
                              {"new_articles", result.new_articles},
                              {"near_duplicate_links", result.near_duplicate_links},
                              {"new_comments", result.new_comments},
                              {"dead_letters", result.dead_letters},
                              {"seconds", seconds},
                              {"ms",
                               {{"lex", result.phases.lex},
                                {"copy", result.phases.copy},
                                {"insert", result.phases.insert},
                                {"sources", result.phases.sources},
                                {"counts", result.phases.counts},
                                {"near", result.phases.near_duplicates},
                                {"commit", result.phases.commit}}}});
  }
  // Graceful: the batch in flight is done and committed; leave the group now
  // so the others take over its partitions at once.
  (*consumer)->Close();
  (*server)->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  LogInfo("indexer stopped");
  return 0;
}
