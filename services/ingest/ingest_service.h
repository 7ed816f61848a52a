// IngestServiceImpl: the gRPC face of Ingestor. Maps outcomes to gRPC
// statuses (INVALID_ARGUMENT with google.rpc.ErrorInfo + BadRequest details
// for bad pages, UNAVAILABLE when Kafka does not acknowledge). Thread-safe.
#ifndef BROADSHEET_SERVICES_INGEST_INGEST_SERVICE_H_
#define BROADSHEET_SERVICES_INGEST_INGEST_SERVICE_H_

#include "broadsheet/v1/ingest_service.grpc.pb.h"
#include "ingest/ingestor.h"

namespace broadsheet {

class IngestServiceImpl final : public v1::IngestService::Service {
 public:
  explicit IngestServiceImpl(const Ingestor* ingestor) : ingestor_(ingestor) {}

  grpc::Status IngestPage(grpc::ServerContext* context, const v1::IngestPageRequest* request,
                          v1::IngestPageResponse* response) override;
  grpc::Status IngestPages(grpc::ServerContext* context,
                           grpc::ServerReader<v1::IngestPageRequest>* reader,
                           v1::IngestPagesResponse* response) override;

 private:
  const Ingestor* ingestor_;
};

}  // namespace broadsheet

#endif  // BROADSHEET_SERVICES_INGEST_INGEST_SERVICE_H_
