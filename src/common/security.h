// Transport security and credentials shared by every Broadsheet binary:
//
//  * gRPC servers: TLS (optionally mutual TLS) from certificate files that are
//    re-read when they change (cert-manager / Secret rotation), and a bearer
//    token required on IngestService when a token file is configured.
//  * gRPC clients: TLS / mTLS channel credentials and the bearer token.
//  * Kafka: librdkafka settings (SASL, SSL) from the environment or a
//    properties file, for the `extra` maps of KafkaProducer / KafkaConsumer.
//  * PostgreSQL: a password read from a file appended to the connection string.
//
// Every setting comes from a BROADSHEET_* environment variable (see the
// README's configuration table); secrets only ever come from files.
#ifndef BROADSHEET_COMMON_SECURITY_H_
#define BROADSHEET_COMMON_SECURITY_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"

namespace broadsheet {

// Reads a secret file (a token, a password): the whole content without
// trailing whitespace. Fails if unreadable or empty.
absl::StatusOr<std::string> ReadSecretFile(const std::string& path);

// ---- gRPC servers ------------------------------------------------------------

struct ServerSecurityOptions {
  std::string cert_file;       // BROADSHEET_TLS_CERT: PEM chain; TLS on when set
  std::string key_file;        // BROADSHEET_TLS_KEY: PEM private key
  std::string client_ca_file;  // BROADSHEET_TLS_CLIENT_CA: require client certs signed by it
  // BROADSHEET_INGEST_TOKEN_FILE: one accepted token per line (several lines
  // allow rotation without downtime). Needs TLS.
  std::string ingest_token_file;
  // Methods whose path starts with one of these need the token.
  std::vector<std::string> token_protected_prefixes = {"/broadsheet.v1.IngestService/"};
  unsigned int cert_refresh_seconds = 60;  // BROADSHEET_TLS_REFRESH_SECONDS
};

ServerSecurityOptions ServerSecurityFromEnv();

// Credentials for ServerBuilder::AddListeningPort. Checks that the files are
// readable PEM and that token protection is not asked for without TLS.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerSecurityOptions& options);

// True if `authorization` ("Bearer <token>") carries one of `tokens`;
// compares in constant time. Exposed for tests.
bool BearerTokenMatches(const std::string& authorization, const std::vector<std::string>& tokens);

// ---- gRPC clients ---------------------------------------------------------------

struct ClientSecurityOptions {
  std::string ca_file;      // BROADSHEET_TLS_CA: trust these roots; TLS on when set
  std::string cert_file;    // BROADSHEET_TLS_CLIENT_CERT: client certificate (mTLS)
  std::string key_file;     // BROADSHEET_TLS_CLIENT_KEY
  std::string server_name;  // BROADSHEET_TLS_SERVER_NAME: expected name if not the host
  bool use_system_roots = false;  // BROADSHEET_TLS=1 without a CA file
  std::string token_file;   // BROADSHEET_INGEST_TOKEN_FILE, sent when `send_token`
};

ClientSecurityOptions ClientSecurityFromEnv();

// A channel to `address` with TLS/mTLS as configured; when `send_token`, every
// call carries "authorization: Bearer <token>" from options.token_file.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeClientChannel(
    const std::string& address, const ClientSecurityOptions& options, bool send_token,
    grpc::ChannelArguments args = grpc::ChannelArguments());

// ---- Kafka ------------------------------------------------------------------------

// librdkafka properties from, in increasing precedence:
//   * BROADSHEET_KAFKA_CONFIG_FILE: a Java-style properties file (key=value,
//     # comments), e.g. a mounted Secret with sasl.username / sasl.password;
//   * BROADSHEET_KAFKA_<KEY>: the librdkafka key upper-cased with dots as
//     underscores (BROADSHEET_KAFKA_SECURITY_PROTOCOL=SASL_SSL);
//   * BROADSHEET_KAFKA_<KEY>_FILE: the key's value read from a file
//     (BROADSHEET_KAFKA_SASL_PASSWORD_FILE=/run/secrets/kafka-password).
// BROADSHEET_KAFKA_BROKERS, _CONFIG_FILE and _HOME are not librdkafka keys.
// Unknown keys fail (checked against librdkafka's own configuration).
absl::StatusOr<std::map<std::string, std::string>> KafkaSettingsFromEnv();

// Same, from an explicit environment (tests).
absl::StatusOr<std::map<std::string, std::string>> KafkaSettingsFrom(
    const std::map<std::string, std::string>& environment);

// ---- PostgreSQL --------------------------------------------------------------------

// `url` with the password from `password_file` added (URI or key=value
// form). Returns `url` unchanged when `password_file` is empty.
absl::StatusOr<std::string> DatabaseUrlWithPasswordFile(const std::string& url,
                                                        const std::string& password_file);

}  // namespace broadsheet

#endif  // BROADSHEET_COMMON_SECURITY_H_
