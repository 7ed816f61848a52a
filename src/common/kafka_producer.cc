#include "common/kafka_producer.h"

#include <condition_variable>
#include <mutex>

#include "absl/strings/str_cat.h"

namespace broadsheet {
namespace {

// One Send() call's progress, shared with the delivery callback through each
// message's opaque pointer.
struct Batch {
  std::mutex mu;
  std::condition_variable done;
  int pending = 0;
  absl::Status status;
};

}  // namespace

class KafkaProducer::DeliveryReporter : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    auto* batch = static_cast<Batch*>(message.msg_opaque());
    if (batch == nullptr) return;
    std::lock_guard<std::mutex> lock(batch->mu);
    if (message.err() != RdKafka::ERR_NO_ERROR && batch->status.ok()) {
      batch->status = absl::UnavailableError(
          absl::StrCat("kafka delivery to ", message.topic_name(), " failed: ", message.errstr()));
    }
    if (--batch->pending == 0) batch->done.notify_all();
  }
};

absl::StatusOr<std::unique_ptr<KafkaProducer>> KafkaProducer::Create(
    const std::string& brokers, const std::map<std::string, std::string>& extra) {
  std::unique_ptr<KafkaProducer> self(new KafkaProducer());
  self->reporter_ = std::make_unique<DeliveryReporter>();
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  std::map<std::string, std::string> settings = {
      {"bootstrap.servers", brokers},
      {"enable.idempotence", "true"},  // implies acks=all and ordered retries
      {"acks", "all"},
      {"linger.ms", "5"},
      {"compression.type", "lz4"},
      {"message.max.bytes", "16777216"},
      // Surface a dead broker as an RPC error within 30 s, not librdkafka's 5 min.
      {"message.timeout.ms", "30000"},
  };
  for (const auto& [key, value] : extra) settings[key] = value;
  for (const auto& [key, value] : settings) {
    if (conf->set(key, value, err) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(absl::StrCat("kafka setting ", key, ": ", err));
    }
  }
  if (conf->set("dr_cb", self->reporter_.get(), err) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(err);
  }
  self->producer_.reset(RdKafka::Producer::create(conf.get(), err));
  if (!self->producer_) return absl::UnavailableError(absl::StrCat("kafka producer: ", err));
  KafkaProducer* raw = self.get();
  self->poller_ = std::thread([raw] {
    while (!raw->stopping_.load()) raw->producer_->poll(50);
  });
  return self;
}

KafkaProducer::~KafkaProducer() {
  if (producer_) producer_->flush(10000);
  stopping_ = true;
  if (poller_.joinable()) poller_.join();
}

absl::Status KafkaProducer::Send(const std::vector<OutRecord>& records) {
  const auto timeout = std::chrono::seconds(30);
  if (records.empty()) return absl::OkStatus();
  Batch batch;
  batch.pending = static_cast<int>(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    const OutRecord& r = records[i];
    RdKafka::Headers* headers = RdKafka::Headers::create();
    for (const auto& [key, value] : r.headers) headers->add(key, value);
    RdKafka::ErrorCode code;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    // A full local queue is back-pressure, not failure: wait and retry.
    while (true) {
      code = producer_->produce(r.topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                                const_cast<char*>(r.value.data()), r.value.size(), r.key.data(),
                                r.key.size(), 0, headers, &batch);
      if (code != RdKafka::ERR__QUEUE_FULL || std::chrono::steady_clock::now() > deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (code != RdKafka::ERR_NO_ERROR) {
      delete headers;  // on failure ownership stays with us
      std::unique_lock<std::mutex> lock(batch.mu);
      batch.pending -= static_cast<int>(records.size() - i);
      if (batch.status.ok()) {
        batch.status = absl::UnavailableError(
            absl::StrCat("kafka produce to ", r.topic, ": ", RdKafka::err2str(code)));
      }
      break;
    }
  }
  std::unique_lock<std::mutex> lock(batch.mu);
  // Delivery reports always arrive (librdkafka fails messages at
  // message.timeout.ms), so waiting for all of them keeps `batch` alive long enough.
  batch.done.wait(lock, [&] { return batch.pending == 0; });
  return batch.status;
}

}  // namespace broadsheet
