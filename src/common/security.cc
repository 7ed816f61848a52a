#include "common/security.h"

#include <sys/stat.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>

#include <grpcpp/security/auth_metadata_processor.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <librdkafka/rdkafkacpp.h>

#include "absl/strings/str_cat.h"
#include "common/env.h"
#include "common/log.h"

extern char** environ;

namespace broadsheet {
namespace {

std::string TrimRight(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

std::string Trim(const std::string& s) {
  size_t b = 0;
  while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  return TrimRight(s.substr(b));
}

absl::StatusOr<std::string> ReadFile(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::FailedPreconditionError(absl::StrCat("cannot read ", what, " ", path));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A PEM file containing `marker` (e.g. "CERTIFICATE", "PRIVATE KEY").
absl::Status CheckPem(const std::string& path, const char* what, const char* marker) {
  auto content = ReadFile(path, what);
  if (!content.ok()) return content.status();
  if (content->find("-----BEGIN") == std::string::npos ||
      content->find(marker) == std::string::npos) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, " ", path, " holds no PEM ", marker));
  }
  return absl::OkStatus();
}

bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const std::string& longer = a.size() >= b.size() ? a : b;
  for (size_t i = 0; i < longer.size(); ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= x ^ y;
  }
  return diff == 0;
}

absl::StatusOr<std::vector<std::string>> ReadTokens(const std::string& path) {
  auto content = ReadFile(path, "token file");
  if (!content.ok()) return content.status();
  std::vector<std::string> tokens;
  std::istringstream lines(*content);
  std::string line;
  while (std::getline(lines, line)) {
    line = Trim(line);
    if (!line.empty() && line[0] != '#') tokens.push_back(line);
  }
  if (tokens.empty()) return absl::FailedPreconditionError(absl::StrCat("token file ", path, " is empty"));
  return tokens;
}

// Requires "authorization: Bearer <token>" on the protected methods; every
// other method (health, reflection) stays open. Re-reads the token file when
// it changes, so a rotated Secret applies without a restart.
class BearerTokenProcessor : public grpc::AuthMetadataProcessor {
 public:
  BearerTokenProcessor(std::string path, std::vector<std::string> tokens,
                       std::vector<std::string> prefixes)
      : path_(std::move(path)), tokens_(std::move(tokens)), prefixes_(std::move(prefixes)) {
    mtime_ = MTime();
  }

  bool IsBlocking() const override { return false; }

  grpc::Status Process(const InputMetadata& metadata, grpc::AuthContext*, OutputMetadata* consumed,
                       OutputMetadata*) override {
    auto path = metadata.find(":path");
    if (path == metadata.end()) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "request has no method path");
    }
    std::string method(path->second.data(), path->second.size());
    bool is_protected = false;
    for (const std::string& prefix : prefixes_) is_protected |= method.rfind(prefix, 0) == 0;
    if (!is_protected) return grpc::Status::OK;
    auto auth = metadata.find("authorization");
    if (auth == metadata.end()) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                          "missing bearer token (authorization metadata)");
    }
    std::string value(auth->second.data(), auth->second.size());
    if (!BearerTokenMatches(value, Tokens())) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "invalid bearer token");
    }
    consumed->insert({"authorization", value});
    return grpc::Status::OK;
  }

 private:
  int64_t MTime() const {
    struct stat st;
    return stat(path_.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 +
                                               st.st_mtim.tv_nsec
                                         : -1;
  }

  std::vector<std::string> Tokens() {
    std::lock_guard<std::mutex> lock(mu_);
    int64_t mtime = MTime();
    if (mtime != mtime_ && mtime != -1) {
      mtime_ = mtime;
      auto fresh = ReadTokens(path_);
      if (fresh.ok()) {
        tokens_ = std::move(*fresh);
        LogInfo("ingest token file reloaded", {{"file", path_}, {"tokens", tokens_.size()}});
      } else {
        LogWarn("ingest token file unreadable; keeping the previous tokens",
                {{"error", fresh.status().ToString()}});
      }
    }
    return tokens_;
  }

  const std::string path_;
  std::mutex mu_;
  std::vector<std::string> tokens_;
  int64_t mtime_ = -1;
  const std::vector<std::string> prefixes_;
};

std::string PercentEncode(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// BROADSHEET_KAFKA_* variables that are not librdkafka keys.
bool IsReservedKafkaVariable(const std::string& name) {
  return name == "BROADSHEET_KAFKA_BROKERS" || name == "BROADSHEET_KAFKA_CONFIG_FILE" ||
         name == "BROADSHEET_KAFKA_HOME";
}

}  // namespace

absl::StatusOr<std::string> ReadSecretFile(const std::string& path) {
  auto content = ReadFile(path, "secret file");
  if (!content.ok()) return content.status();
  std::string value = TrimRight(*content);
  if (value.empty()) return absl::FailedPreconditionError(absl::StrCat("secret file ", path, " is empty"));
  return value;
}

bool BearerTokenMatches(const std::string& authorization, const std::vector<std::string>& tokens) {
  static const std::string kPrefix = "Bearer ";
  if (authorization.size() <= kPrefix.size()) return false;
  bool scheme = true;
  for (size_t i = 0; i < kPrefix.size(); ++i) {
    scheme &= std::tolower(static_cast<unsigned char>(authorization[i])) ==
              std::tolower(static_cast<unsigned char>(kPrefix[i]));
  }
  if (!scheme) return false;
  std::string presented = Trim(authorization.substr(kPrefix.size()));
  bool match = false;
  for (const std::string& token : tokens) match |= ConstantTimeEquals(presented, token);
  return match;
}

ServerSecurityOptions ServerSecurityFromEnv() {
  ServerSecurityOptions o;
  o.cert_file = EnvOr("BROADSHEET_TLS_CERT", "");
  o.key_file = EnvOr("BROADSHEET_TLS_KEY", "");
  o.client_ca_file = EnvOr("BROADSHEET_TLS_CLIENT_CA", "");
  o.ingest_token_file = EnvOr("BROADSHEET_INGEST_TOKEN_FILE", "");
  o.cert_refresh_seconds = static_cast<unsigned>(EnvIntOr("BROADSHEET_TLS_REFRESH_SECONDS", 60));
  return o;
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerSecurityOptions& o) {
  if (o.cert_file.empty() != o.key_file.empty()) {
    return absl::InvalidArgumentError("BROADSHEET_TLS_CERT and BROADSHEET_TLS_KEY go together");
  }
  if (o.cert_file.empty()) {
    if (!o.client_ca_file.empty()) {
      return absl::InvalidArgumentError("BROADSHEET_TLS_CLIENT_CA needs BROADSHEET_TLS_CERT/KEY");
    }
    if (!o.ingest_token_file.empty()) {
      // A bearer token in plaintext is readable by anyone on the path.
      return absl::InvalidArgumentError(
          "BROADSHEET_INGEST_TOKEN_FILE needs TLS (BROADSHEET_TLS_CERT/KEY)");
    }
    return grpc::InsecureServerCredentials();
  }
  if (absl::Status s = CheckPem(o.cert_file, "TLS certificate", "CERTIFICATE"); !s.ok()) return s;
  if (absl::Status s = CheckPem(o.key_file, "TLS key", "PRIVATE KEY"); !s.ok()) return s;
  if (!o.client_ca_file.empty()) {
    if (absl::Status s = CheckPem(o.client_ca_file, "client CA", "CERTIFICATE"); !s.ok()) return s;
  }
  // Re-reads the files every cert_refresh_seconds: rotated certificates
  // apply without a restart.
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      o.key_file, o.cert_file, o.client_ca_file, std::max(1u, o.cert_refresh_seconds));
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_identity_key_cert_pairs();
  if (!o.client_ca_file.empty()) {
    options.watch_root_certs();
    options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  } else {
    options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  }
  std::shared_ptr<grpc::ServerCredentials> creds = grpc::experimental::TlsServerCredentials(options);
  if (!creds) return absl::InternalError("cannot create TLS server credentials");
  if (!o.ingest_token_file.empty()) {
    auto tokens = ReadTokens(o.ingest_token_file);
    if (!tokens.ok()) return tokens.status();
    creds->SetAuthMetadataProcessor(std::make_shared<BearerTokenProcessor>(
        o.ingest_token_file, std::move(*tokens), o.token_protected_prefixes));
  }
  return creds;
}

ClientSecurityOptions ClientSecurityFromEnv() {
  ClientSecurityOptions o;
  o.ca_file = EnvOr("BROADSHEET_TLS_CA", "");
  o.cert_file = EnvOr("BROADSHEET_TLS_CLIENT_CERT", "");
  o.key_file = EnvOr("BROADSHEET_TLS_CLIENT_KEY", "");
  o.server_name = EnvOr("BROADSHEET_TLS_SERVER_NAME", "");
  std::string tls = EnvOr("BROADSHEET_TLS", "");
  o.use_system_roots = tls == "1" || tls == "true" || tls == "on";
  o.token_file = EnvOr("BROADSHEET_INGEST_TOKEN_FILE", "");
  return o;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeClientChannel(
    const std::string& address, const ClientSecurityOptions& o, bool send_token,
    grpc::ChannelArguments args) {
  if (o.cert_file.empty() != o.key_file.empty()) {
    return absl::InvalidArgumentError(
        "BROADSHEET_TLS_CLIENT_CERT and BROADSHEET_TLS_CLIENT_KEY go together");
  }
  bool tls = !o.ca_file.empty() || !o.cert_file.empty() || o.use_system_roots;
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (tls) {
    grpc::SslCredentialsOptions ssl;
    if (!o.ca_file.empty()) {
      auto ca = ReadFile(o.ca_file, "CA file");
      if (!ca.ok()) return ca.status();
      ssl.pem_root_certs = *ca;
    }
    if (!o.cert_file.empty()) {
      auto cert = ReadFile(o.cert_file, "client certificate");
      if (!cert.ok()) return cert.status();
      auto key = ReadFile(o.key_file, "client key");
      if (!key.ok()) return key.status();
      ssl.pem_cert_chain = *cert;
      ssl.pem_private_key = *key;
    }
    creds = grpc::SslCredentials(ssl);
    if (!o.server_name.empty()) args.SetSslTargetNameOverride(o.server_name);
  } else {
    creds = grpc::InsecureChannelCredentials();
  }
  if (send_token && !o.token_file.empty()) {
    if (!tls) {
      return absl::InvalidArgumentError(
          "BROADSHEET_INGEST_TOKEN_FILE is set but TLS is not (BROADSHEET_TLS_CA): "
          "refusing to send the token in plaintext");
    }
    auto token = ReadSecretFile(o.token_file);
    if (!token.ok()) return token.status();
    creds = grpc::CompositeChannelCredentials(creds, grpc::AccessTokenCredentials(*token));
  }
  return grpc::CreateCustomChannel(address, creds, args);
}

absl::StatusOr<std::map<std::string, std::string>> KafkaSettingsFrom(
    const std::map<std::string, std::string>& env) {
  std::map<std::string, std::string> settings;
  std::map<std::string, std::string> origin;  // key -> where it came from, for errors
  auto file_it = env.find("BROADSHEET_KAFKA_CONFIG_FILE");
  if (file_it != env.end() && !file_it->second.empty()) {
    auto content = ReadFile(file_it->second, "Kafka config file");
    if (!content.ok()) return content.status();
    std::istringstream lines(*content);
    std::string line;
    int number = 0;
    while (std::getline(lines, line)) {
      ++number;
      line = Trim(line);
      if (line.empty() || line[0] == '#' || line[0] == '!') continue;
      size_t sep = line.find_first_of("=:");
      if (sep == std::string::npos) {
        return absl::InvalidArgumentError(absl::StrCat(file_it->second, ":", number,
                                                       ": expected key=value"));
      }
      std::string key = Trim(line.substr(0, sep));
      settings[key] = Trim(line.substr(sep + 1));
      origin[key] = absl::StrCat(file_it->second, ":", number);
    }
  }
  static const std::string kPrefix = "BROADSHEET_KAFKA_";
  for (const auto& [name, value] : env) {
    if (name.rfind(kPrefix, 0) != 0 || IsReservedKafkaVariable(name)) continue;
    std::string rest = name.substr(kPrefix.size());
    bool from_file = rest.size() > 5 && rest.compare(rest.size() - 5, 5, "_FILE") == 0;
    if (from_file) rest.resize(rest.size() - 5);
    std::string key;
    for (char c : rest) key.push_back(c == '_' ? '.' : static_cast<char>(std::tolower(c)));
    if (from_file) {
      auto secret = ReadSecretFile(value);
      if (!secret.ok()) return secret.status();
      settings[key] = *secret;
    } else {
      settings[key] = value;
    }
    origin[key] = name;
  }
  // Let librdkafka judge every key and value now rather than at first use.
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  for (const auto& [key, value] : settings) {
    std::string error;
    if (conf->set(key, value, error) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(
          absl::StrCat("Kafka setting ", key, " (from ", origin[key], "): ", error));
    }
  }
  return settings;
}

absl::StatusOr<std::map<std::string, std::string>> KafkaSettingsFromEnv() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    size_t eq = entry.find('=');
    if (eq != std::string::npos && entry.rfind("BROADSHEET_KAFKA_", 0) == 0) {
      env[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
  }
  return KafkaSettingsFrom(env);
}

absl::StatusOr<std::string> DatabaseUrlWithPasswordFile(const std::string& url,
                                                        const std::string& password_file) {
  if (password_file.empty()) return url;
  auto password = ReadSecretFile(password_file);
  if (!password.ok()) return password.status();
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return absl::StrCat(url, url.find('?') == std::string::npos ? "?" : "&",
                        "password=", PercentEncode(*password));
  }
  std::string quoted;
  for (char c : *password) {
    if (c == '\\' || c == '\'') quoted.push_back('\\');
    quoted.push_back(c);
  }
  return absl::StrCat(url, url.empty() ? "" : " ", "password='", quoted, "'");
}

}  // namespace broadsheet
