"""Asks each address's grpc.health.v1.Health service for the server's status.

Usage: health_check.py HOST:PORT...   exits 0 only when every server is SERVING.
(grpcurl cannot do this against Debian's gRPC 1.51: its reflection lists the
health service but cannot describe it.)
"""
import sys

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


def main(addresses):
    failed = 0
    for address in addresses:
        with grpc.insecure_channel(address) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            try:
                reply = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=10)
                status = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
            except grpc.RpcError as e:
                status = f"error {e.code().name}: {e.details()}"
        print(f"{address} health: {status}")
        failed += status != "SERVING"
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
