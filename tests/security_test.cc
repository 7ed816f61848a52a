// common/security: TLS, mTLS and the IngestService bearer token on a real
// in-process gRPC server (certificates made with openssl at test time), the
// Kafka pass-through settings and the database password file. No stack needed.
#include "common/security.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <gtest/gtest.h>

#include "broadsheet/v1/ingest_service.grpc.pb.h"

namespace broadsheet {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void Spit(const fs::path& p, const std::string& s) { std::ofstream(p) << s; }

class SecurityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("broadsheet-security-test-" + std::to_string(getpid())));
    std::string cmd = std::string("bash ") + BROADSHEET_SOURCE_DIR + "/tests/security_certs.sh " +
                      dir_->string();
    ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl failed";
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static std::string P(const char* name) { return (*dir_ / name).string(); }

  // Starts a server with an (unimplemented) IngestService and health.
  std::unique_ptr<grpc::Server> Start(const ServerSecurityOptions& options, int* port) {
    grpc::EnableDefaultHealthCheckService(true);
    auto creds = MakeServerCredentials(options);
    EXPECT_TRUE(creds.ok()) << creds.status();
    if (!creds.ok()) return nullptr;
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", *creds, port);
    builder.RegisterService(&ingest_);
    auto server = builder.BuildAndStart();
    EXPECT_NE(*port, 0);
    return server;
  }

  ServerSecurityOptions Tls(bool mtls, bool token) {
    ServerSecurityOptions o;
    o.cert_file = P("server.pem");
    o.key_file = P("server.key");
    if (mtls) o.client_ca_file = P("ca.pem");
    if (token) o.ingest_token_file = P("token");
    return o;
  }

  static grpc::StatusCode Ingest(const std::shared_ptr<grpc::Channel>& channel,
                                 const std::string& bearer = "") {
    auto stub = v1::IngestService::NewStub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    if (!bearer.empty()) ctx.AddMetadata("authorization", "Bearer " + bearer);
    v1::IngestPageRequest request;
    v1::IngestPageResponse response;
    return stub->IngestPage(&ctx, request, &response).error_code();
  }

  static grpc::StatusCode Health(const std::shared_ptr<grpc::Channel>& channel) {
    grpc::GenericStub stub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1), response;  // HealthCheckRequest{}
    grpc::CompletionQueue cq;
    auto call = stub.PrepareUnaryCall(&ctx, "/grpc.health.v1.Health/Check", request, &cq);
    call->StartCall();
    grpc::Status status;
    call->Finish(&response, &status, reinterpret_cast<void*>(1));
    void* tag;
    bool ok;
    cq.Next(&tag, &ok);
    cq.Shutdown();
    while (cq.Next(&tag, &ok)) {
    }
    return status.error_code();
  }

  std::shared_ptr<grpc::Channel> Client(int port, const std::string& ca, bool client_cert,
                                        bool send_token = false) {
    ClientSecurityOptions o;
    o.ca_file = ca;
    if (client_cert) {
      o.cert_file = P("client.pem");
      o.key_file = P("client.key");
    }
    o.token_file = P("token");
    auto channel = MakeClientChannel("localhost:" + std::to_string(port), o, send_token);
    EXPECT_TRUE(channel.ok()) << channel.status();
    return *channel;
  }

  static fs::path* dir_;
  v1::IngestService::Service ingest_;  // every method UNIMPLEMENTED
};

fs::path* SecurityTest::dir_ = nullptr;

TEST_F(SecurityTest, TokenRequiredOnIngestServiceOnly) {
  int port = 0;
  auto server = Start(Tls(false, true), &port);
  ASSERT_TRUE(server);
  auto channel = Client(port, P("ca.pem"), false);
  std::string token = Slurp(P("token"));
  token.pop_back();  // newline
  EXPECT_EQ(Ingest(channel), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Ingest(channel, "wrong-" + token), grpc::StatusCode::UNAUTHENTICATED);
  // Past authentication: the test service implements nothing.
  EXPECT_EQ(Ingest(channel, token), grpc::StatusCode::UNIMPLEMENTED);
  // The client helper sends the token file's token itself.
  EXPECT_EQ(Ingest(Client(port, P("ca.pem"), false, true)), grpc::StatusCode::UNIMPLEMENTED);
  // Health stays open.
  EXPECT_EQ(Health(channel), grpc::StatusCode::OK);
  server->Shutdown();
}

TEST_F(SecurityTest, TokenFileRotationApplies) {
  fs::path token_file = *dir_ / "rotating-token";
  Spit(token_file, "first\n");
  ServerSecurityOptions o = Tls(false, false);
  o.ingest_token_file = token_file.string();
  int port = 0;
  auto server = Start(o, &port);
  ASSERT_TRUE(server);
  auto channel = Client(port, P("ca.pem"), false);
  EXPECT_EQ(Ingest(channel, "first"), grpc::StatusCode::UNIMPLEMENTED);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Spit(token_file, "second\nthird\n");  // two tokens: rotation without downtime
  EXPECT_EQ(Ingest(channel, "first"), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Ingest(channel, "second"), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(Ingest(channel, "third"), grpc::StatusCode::UNIMPLEMENTED);
  server->Shutdown();
}

TEST_F(SecurityTest, PlaintextAndUntrustedClientsFail) {
  int port = 0;
  auto server = Start(Tls(false, false), &port);
  ASSERT_TRUE(server);
  auto plaintext = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                       grpc::InsecureChannelCredentials());
  EXPECT_EQ(Health(plaintext), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Health(Client(port, P("other-ca.pem"), false)), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Health(Client(port, P("ca.pem"), false)), grpc::StatusCode::OK);
  server->Shutdown();
}

TEST_F(SecurityTest, MutualTlsRequiresClientCertificate) {
  int port = 0;
  auto server = Start(Tls(true, false), &port);
  ASSERT_TRUE(server);
  EXPECT_EQ(Health(Client(port, P("ca.pem"), false)), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Health(Client(port, P("ca.pem"), true)), grpc::StatusCode::OK);
  server->Shutdown();
}

TEST_F(SecurityTest, MisconfigurationRefused) {
  ServerSecurityOptions token_without_tls;
  token_without_tls.ingest_token_file = P("token");
  EXPECT_FALSE(MakeServerCredentials(token_without_tls).ok());
  ServerSecurityOptions cert_only;
  cert_only.cert_file = P("server.pem");
  EXPECT_FALSE(MakeServerCredentials(cert_only).ok());
  ServerSecurityOptions swapped = Tls(false, false);
  swapped.cert_file = P("server.key");  // not a certificate
  EXPECT_FALSE(MakeServerCredentials(swapped).ok());
  EXPECT_TRUE(MakeServerCredentials(ServerSecurityOptions{}).ok());  // plaintext
  ClientSecurityOptions token_in_clear;
  token_in_clear.token_file = P("token");
  EXPECT_FALSE(MakeClientChannel("localhost:1", token_in_clear, true).ok());
  EXPECT_TRUE(MakeClientChannel("localhost:1", token_in_clear, false).ok());
}

TEST(BearerToken, Matching) {
  std::vector<std::string> tokens = {"abc", "def"};
  EXPECT_TRUE(BearerTokenMatches("Bearer abc", tokens));
  EXPECT_TRUE(BearerTokenMatches("bearer def", tokens));
  EXPECT_FALSE(BearerTokenMatches("Bearer ab", tokens));
  EXPECT_FALSE(BearerTokenMatches("Bearer abcd", tokens));
  EXPECT_FALSE(BearerTokenMatches("Basic abc", tokens));
  EXPECT_FALSE(BearerTokenMatches("Bearer ", tokens));
  EXPECT_FALSE(BearerTokenMatches("abc", tokens));
}

TEST(KafkaSettings, FromVariablesFileAndSecretFiles) {
  fs::path dir = fs::temp_directory_path() / ("broadsheet-kafka-" + std::to_string(getpid()));
  fs::create_directories(dir);
  Spit(dir / "client.properties",
       "# comment\nsecurity.protocol=SASL_SSL\nsasl.mechanisms = SCRAM-SHA-512\n\n"
       "sasl.username=from-file\n");
  Spit(dir / "password", "s3cret\n");
  auto settings = KafkaSettingsFrom({
      {"BROADSHEET_KAFKA_CONFIG_FILE", (dir / "client.properties").string()},
      {"BROADSHEET_KAFKA_SASL_USERNAME", "from-env"},
      {"BROADSHEET_KAFKA_SASL_PASSWORD_FILE", (dir / "password").string()},
      {"BROADSHEET_KAFKA_BROKERS", "ignored:9092"},
      {"BROADSHEET_KAFKA_HOME", "/ignored"},
  });
  ASSERT_TRUE(settings.ok()) << settings.status();
  std::map<std::string, std::string> want = {{"security.protocol", "SASL_SSL"},
                                             {"sasl.mechanisms", "SCRAM-SHA-512"},
                                             {"sasl.username", "from-env"},
                                             {"sasl.password", "s3cret"}};
  EXPECT_EQ(*settings, want);
  auto unknown = KafkaSettingsFrom({{"BROADSHEET_KAFKA_NO_SUCH_KEY", "1"}});
  EXPECT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("BROADSHEET_KAFKA_NO_SUCH_KEY"), std::string::npos);
  EXPECT_FALSE(KafkaSettingsFrom({{"BROADSHEET_KAFKA_SECURITY_PROTOCOL", "carrier_pigeon"}}).ok());
  EXPECT_FALSE(KafkaSettingsFrom({{"BROADSHEET_KAFKA_CONFIG_FILE", (dir / "missing").string()}}).ok());
  fs::remove_all(dir);
}

TEST(DatabasePassword, AppendedFromFile) {
  fs::path file = fs::temp_directory_path() / ("broadsheet-pw-" + std::to_string(getpid()));
  Spit(file, "p@ss w'rd\n");
  EXPECT_EQ(*DatabaseUrlWithPasswordFile("postgresql://u@h/db", file.string()),
            "postgresql://u@h/db?password=p%40ss%20w%27rd");
  EXPECT_EQ(*DatabaseUrlWithPasswordFile("postgresql://u@h/db?sslmode=require", file.string()),
            "postgresql://u@h/db?sslmode=require&password=p%40ss%20w%27rd");
  EXPECT_EQ(*DatabaseUrlWithPasswordFile("host=h user=u", file.string()),
            "host=h user=u password='p@ss w\\'rd'");
  EXPECT_EQ(*DatabaseUrlWithPasswordFile("postgresql://u@h/db", ""), "postgresql://u@h/db");
  EXPECT_FALSE(DatabaseUrlWithPasswordFile("postgresql://u@h/db", file.string() + ".missing").ok());
  fs::remove(file);
}

}  // namespace
}  // namespace broadsheet
