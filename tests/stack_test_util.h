// Shared set-up of the integration tests, which run against the local stack
// (`make up`): Kafka, PostgreSQL and the services.
#ifndef BROADSHEET_TESTS_STACK_TEST_UTIL_H_
#define BROADSHEET_TESTS_STACK_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "common/env.h"

// A missing piece of the stack fails the test under CI=true (CI must never
// pass by skipping); elsewhere it skips, so a developer can run the unit
// tests without `make up`. Use in SetUp() or a test body.
#define BROADSHEET_REQUIRE_STACK(ok, message)                                           \
  do {                                                                                  \
    if (!(ok)) {                                                                        \
      if (::broadsheet::EnvOr("CI", "") == "true") FAIL() << (message);                 \
      GTEST_SKIP() << (message) << " (run `make up`; CI=true makes this a failure)";  \
    }                                                                                   \
  } while (0)

namespace broadsheet::testing {

// Channels to the ingest and query services (BROADSHEET_INGEST_ADDR,
// BROADSHEET_QUERY_ADDR). Returns false when either does not connect within
// 15 s.
inline bool ConnectServices(std::shared_ptr<grpc::Channel>* ingest,
                            std::shared_ptr<grpc::Channel>* query) {
  *ingest = grpc::CreateChannel(EnvOr("BROADSHEET_INGEST_ADDR", "127.0.0.1:50051"),
                                grpc::InsecureChannelCredentials());
  *query = grpc::CreateChannel(EnvOr("BROADSHEET_QUERY_ADDR", "127.0.0.1:50052"),
                               grpc::InsecureChannelCredentials());
  auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(15);
  return (*ingest)->WaitForConnected(deadline) && (*query)->WaitForConnected(deadline);
}

inline std::string ServicesDescription() {
  return "ingest " + EnvOr("BROADSHEET_INGEST_ADDR", "127.0.0.1:50051") + ", query " +
         EnvOr("BROADSHEET_QUERY_ADDR", "127.0.0.1:50052");
}

}  // namespace broadsheet::testing

#endif  // BROADSHEET_TESTS_STACK_TEST_UTIL_H_
