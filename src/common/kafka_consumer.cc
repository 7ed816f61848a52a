#include "common/kafka_consumer.h"

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace broadsheet {

std::string InRecord::Header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

// Assigns and revokes partitions for both the eager and the cooperative
// protocol, and applies the one-time reset to the earliest offset.
class KafkaConsumer::Rebalancer : public RdKafka::RebalanceCb {
 public:
  explicit Rebalancer(bool reset_to_earliest) : reset_to_earliest_(reset_to_earliest) {}

  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    bool cooperative = consumer->rebalance_protocol() == "COOPERATIVE";
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      for (RdKafka::TopicPartition* tp : partitions) {
        if (reset_to_earliest_ && reset_done_.insert({tp->topic(), tp->partition()}).second) {
          tp->set_offset(RdKafka::Topic::OFFSET_BEGINNING);
          LogInfo("replaying partition from the earliest offset",
                  {{"topic", tp->topic()}, {"partition", tp->partition()}});
        }
      }
      if (cooperative) {
        RdKafka::Error* error = consumer->incremental_assign(partitions);
        if (error != nullptr) {
          LogError("incremental assign failed", {{"error", error->str()}});
          delete error;
        }
      } else {
        consumer->assign(partitions);
      }
      LogInfo("partitions assigned", {{"count", partitions.size()}});
    } else {
      if (cooperative) {
        RdKafka::Error* error = consumer->incremental_unassign(partitions);
        if (error != nullptr) {
          LogError("incremental unassign failed", {{"error", error->str()}});
          delete error;
        }
      } else {
        consumer->unassign();
      }
      LogInfo("partitions revoked", {{"count", partitions.size()}});
    }
  }

 private:
  bool reset_to_earliest_;
  std::set<std::pair<std::string, int32_t>> reset_done_;
};

absl::StatusOr<std::unique_ptr<KafkaConsumer>> KafkaConsumer::Create(const ConsumerOptions& options) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  std::map<std::string, std::string> settings = {
      {"bootstrap.servers", options.brokers},
      {"group.id", options.group_id},
      {"enable.auto.commit", "false"},  // we commit after the work is durable
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", options.auto_offset_reset},
      {"enable.partition.eof", "false"},
      {"partition.assignment.strategy", "cooperative-sticky"},
      {"fetch.max.bytes", "52428800"},
      // A crashed member holds its partitions until this expires: 10 s (not
      // librdkafka's 45 s) lets a restarted or surviving indexer take over fast.
      {"session.timeout.ms", "10000"},
      {"heartbeat.interval.ms", "2000"},
  };
  for (const auto& [key, value] : options.extra) settings[key] = value;
  for (const auto& [key, value] : settings) {
    if (conf->set(key, value, err) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(absl::StrCat("kafka setting ", key, ": ", err));
    }
  }
  std::unique_ptr<KafkaConsumer> self(new KafkaConsumer());
  self->rebalancer_ = std::make_unique<Rebalancer>(options.reset_to_earliest);
  self->auto_offset_reset_ = options.auto_offset_reset;
  if (conf->set("rebalance_cb", self->rebalancer_.get(), err) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(err);
  }
  self->consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!self->consumer_) return absl::UnavailableError(absl::StrCat("kafka consumer: ", err));
  RdKafka::ErrorCode code = self->consumer_->subscribe(options.topics);
  if (code != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat("kafka subscribe: ", RdKafka::err2str(code)));
  }
  return self;
}

KafkaConsumer::~KafkaConsumer() { Close(); }

void KafkaConsumer::Close() {
  if (consumer_ && !closed_) {
    consumer_->close();
    closed_ = true;
  }
}

absl::StatusOr<std::vector<InRecord>> KafkaConsumer::Poll(size_t max_records,
                                                          std::chrono::milliseconds max_wait) {
  std::vector<InRecord> out;
  auto deadline = std::chrono::steady_clock::now() + max_wait;
  while (out.size() < max_records) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    std::unique_ptr<RdKafka::Message> msg(consumer_->consume(static_cast<int>(left.count())));
    switch (msg->err()) {
      case RdKafka::ERR_NO_ERROR: {
        InRecord r;
        r.topic = msg->topic_name();
        r.partition = msg->partition();
        r.offset = msg->offset();
        if (msg->key() != nullptr) r.key = *msg->key();
        r.value.assign(static_cast<const char*>(msg->payload()), msg->len());
        if (RdKafka::Headers* headers = msg->headers()) {
          for (const auto& h : headers->get_all()) {
            r.headers.emplace_back(h.key(), std::string(static_cast<const char*>(h.value()),
                                                        h.value_size()));
          }
        }
        out.push_back(std::move(r));
        break;
      }
      case RdKafka::ERR__TIMED_OUT:
      case RdKafka::ERR__PARTITION_EOF:
        return out;
      default:
        if (msg->err() == RdKafka::ERR__FATAL) {
          return absl::InternalError(absl::StrCat("kafka consumer: ", msg->errstr()));
        }
        LogWarn("kafka consumer error", {{"error", msg->errstr()}});
        return out;
    }
  }
  return out;
}

std::vector<PartitionLag> KafkaConsumer::Lag() {
  std::vector<PartitionLag> out;
  std::vector<RdKafka::TopicPartition*> assigned;
  if (consumer_->assignment(assigned) != RdKafka::ERR_NO_ERROR) return out;
  consumer_->position(assigned);
  // A partition not read from yet has no position: its lag counts from the
  // group's committed offset (asked once per partition, then cached), or
  // when the group has none from the start of the log (auto.offset.reset =
  // earliest) or its end.
  std::vector<RdKafka::TopicPartition*> unread;
  for (RdKafka::TopicPartition* tp : assigned) {
    if (tp->offset() < 0 && !committed_.contains({tp->topic(), tp->partition()})) {
      unread.push_back(RdKafka::TopicPartition::create(tp->topic(), tp->partition()));
    }
  }
  if (!unread.empty() && consumer_->committed(unread, 1000) == RdKafka::ERR_NO_ERROR) {
    for (RdKafka::TopicPartition* c : unread) committed_[{c->topic(), c->partition()}] = c->offset();
  }
  for (RdKafka::TopicPartition* tp : assigned) {
    int64_t low = 0, high = 0;
    if (consumer_->get_watermark_offsets(tp->topic(), tp->partition(), &low, &high) !=
            RdKafka::ERR_NO_ERROR ||
        high < 0) {
      continue;
    }
    int64_t from = tp->offset();
    if (from < 0) {
      auto it = committed_.find({tp->topic(), tp->partition()});
      if (it == committed_.end()) continue;  // the broker did not answer yet
      from = it->second >= 0 ? it->second : (auto_offset_reset_ == "earliest" ? low : high);
    }
    out.push_back({tp->topic(), tp->partition(), std::max<int64_t>(0, high - from)});
  }
  RdKafka::TopicPartition::destroy(unread);
  RdKafka::TopicPartition::destroy(assigned);
  return out;
}

absl::Status KafkaConsumer::Commit(const std::vector<InRecord>& records) {
  std::map<std::pair<std::string, int32_t>, int64_t> next;
  for (const InRecord& r : records) {
    int64_t& slot = next[{r.topic, r.partition}];
    slot = std::max(slot, r.offset + 1);
  }
  if (next.empty()) return absl::OkStatus();
  std::vector<RdKafka::TopicPartition*> offsets;
  offsets.reserve(next.size());
  for (const auto& [tp, offset] : next) {
    offsets.push_back(RdKafka::TopicPartition::create(tp.first, tp.second, offset));
  }
  RdKafka::ErrorCode code = consumer_->commitSync(offsets);
  RdKafka::TopicPartition::destroy(offsets);
  if (code != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat("kafka commit: ", RdKafka::err2str(code)));
  }
  return absl::OkStatus();
}

}  // namespace broadsheet
