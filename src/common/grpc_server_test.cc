#include "common/grpc_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "common/security.h"

namespace broadsheet {
namespace {

// A loopback port that was free a moment ago.
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) close(fd);
    return 0;
  }
  close(fd);
  return ntohs(addr.sin_port);
}

TEST(GrpcServerTest, ASecondServerOnAPortInUseFailsInsteadOfSharingIt) {
  int port = FreePort();
  ASSERT_GT(port, 0);
  const std::string address = "127.0.0.1:" + std::to_string(port);
  ServerSecurityOptions plaintext;
  auto first = StartGrpcServer(address, {}, plaintext, "");
  ASSERT_TRUE(first.ok()) << first.status();

  auto second = StartGrpcServer(address, {}, plaintext, "");
  ASSERT_FALSE(second.ok()) << "a second server bound " << address;
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find(address), std::string::npos) << second.status();

  (*first)->Shutdown();
  auto again = StartGrpcServer(address, {}, plaintext, "");  // free once the first stops
  EXPECT_TRUE(again.ok()) << again.status();
  if (again.ok()) (*again)->Shutdown();
}

}  // namespace
}  // namespace broadsheet
