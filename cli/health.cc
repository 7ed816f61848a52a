// `broadsheet health`: asks a server's grpc.health.v1.Health/Check, with the
// same TLS settings as every other command. Container health checks use it
// (Debian ships no grpc_health_probe and no health.proto, so the two tiny
// messages are encoded by hand through the generic stub).
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "commands.h"
#include "common/security.h"

namespace broadsheet::cli {
namespace {

constexpr char kUsage[] = "usage: broadsheet health [--service NAME] [--timeout SECONDS] HOST:PORT\n";

// HealthCheckRequest{service = name}: field 1, length-delimited.
std::string EncodeRequest(const std::string& service) {
  std::string out;
  if (service.empty()) return out;
  out.push_back('\x0a');
  for (size_t n = service.size(); ; n >>= 7) {
    if (n < 0x80) { out.push_back(static_cast<char>(n)); break; }
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
  }
  return out + service;
}

// HealthCheckResponse.status (field 1, varint); -1 if malformed. Absent = 0 (UNKNOWN).
int DecodeStatus(const std::string& bytes) {
  size_t i = 0;
  int status = 0;
  auto varint = [&](uint64_t* v) {
    *v = 0;
    for (int shift = 0; i < bytes.size() && shift < 64; shift += 7) {
      uint8_t b = static_cast<uint8_t>(bytes[i++]);
      *v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  };
  while (i < bytes.size()) {
    uint64_t key = 0, value = 0;
    if (!varint(&key)) return -1;
    switch (key & 7) {
      case 0:
        if (!varint(&value)) return -1;
        if ((key >> 3) == 1) status = static_cast<int>(value);
        break;
      case 2:
        if (!varint(&value) || value > bytes.size() - i) return -1;
        i += value;
        break;
      case 1: i += 8; break;
      case 5: i += 4; break;
      default: return -1;
    }
  }
  return i == bytes.size() ? status : -1;
}

const char* StatusName(int status) {
  switch (status) {
    case 0: return "UNKNOWN";
    case 1: return "SERVING";
    case 2: return "NOT_SERVING";
    case 3: return "SERVICE_UNKNOWN";
    default: return "MALFORMED";
  }
}

}  // namespace

int Health(const std::vector<std::string>& args) {
  std::string address, service;
  int timeout = 5;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--service" && i + 1 < args.size()) {
      service = args[++i];
    } else if (args[i] == "--timeout" && i + 1 < args.size()) {
      timeout = std::atoi(args[++i].c_str());
    } else if (args[i].rfind("--", 0) != 0 && address.empty()) {
      address = args[i];
    } else {
      std::fputs(kUsage, stderr);
      return 2;
    }
  }
  if (address.empty() || timeout <= 0) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  auto channel = MakeClientChannel(address, ClientSecurityFromEnv(), /*send_token=*/false);
  if (!channel.ok()) {
    std::fprintf(stderr, "broadsheet health: %s\n", channel.status().ToString().c_str());
    return 2;
  }
  grpc::GenericStub stub(*channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(timeout));
  grpc::Slice request_slice(EncodeRequest(service));
  grpc::ByteBuffer request(&request_slice, 1);
  grpc::CompletionQueue cq;
  auto call = stub.PrepareUnaryCall(&context, "/grpc.health.v1.Health/Check", request, &cq);
  call->StartCall();
  grpc::ByteBuffer response;
  grpc::Status status;
  call->Finish(&response, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  if (!status.ok()) {
    std::fprintf(stderr, "broadsheet health: %s: error %d: %s\n", address.c_str(),
                 static_cast<int>(status.error_code()), status.error_message().c_str());
    return 1;
  }
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (response.Dump(&slices).ok()) {
    for (const grpc::Slice& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  int serving = DecodeStatus(bytes);
  std::printf("%s %s\n", address.c_str(), StatusName(serving));
  return serving == 1 ? 0 : 1;
}

}  // namespace broadsheet::cli
