// broadsheet-query: the QueryService gRPC server. Wiring only.
#include "common/env.h"
#include "common/grpc_server.h"
#include "common/log.h"
#include "query/query_service.h"

using namespace broadsheet;

int main() {
  BlockShutdownSignals();
  CommonSettings settings = LoadCommonSettings();
  std::string listen = EnvOr("BROADSHEET_QUERY_LISTEN", "127.0.0.1:50052");
  // The query service should connect as the read-only role.
  std::string database_url = EnvOr("BROADSHEET_QUERY_DATABASE_URL", settings.database_url);
  std::string token_key = EnvOr("BROADSHEET_PAGE_TOKEN_KEY", "");
  if (token_key.empty()) {
    // Tokens must verify on every replica, so production sets a shared key.
    LogWarn("BROADSHEET_PAGE_TOKEN_KEY not set; using a development key");
    token_key = "broadsheet-development-page-token-key";
  }
  ArticleReader reader(database_url, static_cast<int>(EnvIntOr("BROADSHEET_QUERY_POOL_SIZE", 8)));
  QueryServiceImpl service(&reader, token_key);
  auto server = StartGrpcServer(listen, {&service});
  if (!server.ok()) {
    LogError("cannot start gRPC server", {{"error", server.status().ToString()}});
    return 1;
  }
  LogInfo("query service listening", {{"address", listen}});
  int sig = WaitForShutdownSignal();
  LogInfo("shutting down", {{"signal", sig}});
  (*server)->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  return 0;
}
