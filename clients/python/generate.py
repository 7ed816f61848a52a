#!/usr/bin/env python3
"""Generates the Python gRPC stubs for broadsheet.v1 from proto/.

Run by the build (CMake target `broadsheet_python_client`, output in
<build>/python) or by hand (default output: broadsheet_client/gen, which git
ignores). Needs grpcio-tools, which scripts/deps.sh installs into .local/venv.
Generated code is never committed.
"""
import argparse
import pathlib
import sys

from grpc_tools import protoc
import grpc_tools

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PROTOS = ["broadsheet/v1/article.proto", "broadsheet/v1/ingest_service.proto",
          "broadsheet/v1/query_service.proto"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(HERE / "broadsheet_client" / "gen"))
    parser.add_argument("--stamp", help="file to touch on success (for the build)")
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    builtin = pathlib.Path(grpc_tools.__file__).parent / "_proto"
    rc = protoc.main(["grpc_tools.protoc", f"-I{ROOT / 'proto'}", f"-I{builtin}",
                      f"--python_out={out}", f"--pyi_out={out}", f"--grpc_python_out={out}",
                      *PROTOS])
    if rc != 0:
        return rc
    if args.stamp:
        pathlib.Path(args.stamp).touch()
    return 0


if __name__ == "__main__":
    sys.exit(main())
