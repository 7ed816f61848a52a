// broadsheet-ingest: the IngestService gRPC server plus a consumer of
// `broadsheet.pages.raw`. Wiring only; the work is in Ingestor.
#include <atomic>
#include <cstdio>
#include <thread>

#include "common/env.h"
#include "common/grpc_metrics.h"
#include "common/grpc_server.h"
#include "common/kafka_consumer.h"
#include "common/kafka_producer.h"
#include "common/log.h"
#include "common/security.h"
#include "common/metrics.h"
#include "core/profile_loader.h"
#include "ingest/ingest_service.h"

using namespace broadsheet;

namespace {

// Consumes raw pages until `stop`; commits a batch only after all its
// articles and dead letters are acknowledged, and retries a batch whose
// outputs could not be published (Kafka down) instead of skipping it.
void RunRawPageConsumer(const Ingestor& ingestor, const CommonSettings& settings,
                        const std::map<std::string, std::string>& kafka_extra,
                        const std::atomic<bool>& stop) {
  ConsumerOptions options;
  options.brokers = settings.kafka_brokers;
  options.group_id = EnvOr("BROADSHEET_INGEST_GROUP", "broadsheet-ingest");
  options.topics = {settings.raw_pages_topic};
  options.extra = kafka_extra;
  auto consumer = KafkaConsumer::Create(options);
  if (!consumer.ok()) {
    LogError("raw page consumer failed to start", {{"error", consumer.status().ToString()}});
    return;
  }
  const size_t batch_size = static_cast<size_t>(EnvIntOr("BROADSHEET_INGEST_BATCH", 200));
  while (!stop.load()) {
    auto batch = (*consumer)->Poll(batch_size, std::chrono::milliseconds(200));
    if (!batch.ok()) {
      LogError("raw page consumer stopped", {{"error", batch.status().ToString()}});
      return;
    }
    if (batch->empty()) continue;
    absl::Status status = ingestor.Consume(*batch);
    for (int attempt = 1; !status.ok() && !stop.load(); ++attempt) {
      LogWarn("raw page batch not published; retrying",
              {{"error", status.ToString()}, {"attempt", attempt}});
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(5000, 200 * attempt)));
      status = ingestor.Consume(*batch);
    }
    if (!status.ok()) break;  // stopping: the batch will be redelivered
    if (absl::Status commit = (*consumer)->Commit(*batch); !commit.ok()) {
      LogWarn("offset commit failed; batch will be redelivered", {{"error", commit.ToString()}});
    }
  }
  (*consumer)->Close();
}

}  // namespace

int main(int argc, char** argv) {
  // Flags and the config file fold into the environment before any thread.
  auto args = ApplySettingSources(argc, argv);
  if (!args.ok() || !args->empty()) {
    std::fprintf(stderr, "broadsheet-ingest: %s\nusage: broadsheet-ingest [--SETTING=VALUE ...] [--config FILE]\n",
                 args.ok() ? ("unexpected argument " + args->front()).c_str()
                           : args.status().ToString().c_str());
    return 2;
  }
  BlockShutdownSignals();
  CommonSettings settings = LoadCommonSettings();
  auto kafka_extra = KafkaSettingsFromEnv();  // SASL/SSL pass-through (common/security.h)
  if (!kafka_extra.ok()) {
    LogError("invalid Kafka settings", {{"error", kafka_extra.status().ToString()}});
    return 1;
  }
  std::string listen = EnvOr("BROADSHEET_INGEST_LISTEN", "127.0.0.1:50051");
  auto profiles = LoadProfiles(EnvOr("BROADSHEET_PROFILES_DIR", BROADSHEET_DEFAULT_PROFILES_DIR));
  if (!profiles.ok()) {
    LogError("cannot load parser profiles", {{"error", profiles.status().ToString()}});
    return 1;
  }
  ParseOptions parse_options;
  parse_options.max_page_bytes =
      static_cast<size_t>(EnvIntOr("BROADSHEET_MAX_PAGE_BYTES", 8 << 20));
  PageParser parser(std::move(*profiles), parse_options);

  auto producer = KafkaProducer::Create(settings.kafka_brokers, *kafka_extra);
  if (!producer.ok()) {
    LogError("cannot create kafka producer", {{"error", producer.status().ToString()}});
    return 1;
  }
  auto metrics = MetricsServer::Start(EnvOr("BROADSHEET_INGEST_METRICS_LISTEN", "127.0.0.1:9464"));
  if (!metrics.ok()) {
    LogError("cannot serve metrics", {{"error", metrics.status().ToString()}});
    return 1;
  }
  IngestCounters counters;
  counters.pages_accepted = &(*metrics)->Counter("broadsheet_ingest_pages_accepted_total",
                                                  "Pages parsed and published");
  counters.pages_rejected = &prometheus::BuildCounter()
                                 .Name("broadsheet_ingest_pages_rejected_total")
                                 .Help("Pages rejected, by reason")
                                 .Register((*metrics)->registry());
  counters.articles_published = &(*metrics)->Counter("broadsheet_ingest_articles_published_total",
                                                      "Articles acknowledged by Kafka");
  counters.dead_letters = &(*metrics)->Counter("broadsheet_ingest_dead_letters_total",
                                                "Raw-topic records sent to the DLQ");
  Ingestor ingestor(&parser, producer->get(), settings.articles_topic, settings.dlq_topic, counters);
  IngestServiceImpl service(&ingestor);
  GrpcMetrics grpc_metrics((*metrics)->registry());
  auto server = StartGrpcServer(listen, {&service}, &grpc_metrics);
  if (!server.ok()) {
    LogError("cannot start gRPC server", {{"error", server.status().ToString()}});
    return 1;
  }
  LogInfo("ingest service listening", {{"address", listen}});

  std::atomic<bool> stop{false};
  std::thread consumer([&] { RunRawPageConsumer(ingestor, settings, *kafka_extra, stop); });
  int sig = WaitForShutdownSignal();
  LogInfo("shutting down", {{"signal", sig}});
  (*server)->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(10));
  stop = true;
  consumer.join();
  return 0;
}
