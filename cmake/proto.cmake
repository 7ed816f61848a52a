# Generates C++ code for proto/ into one library, `broadsheet_proto`, that every
# binary links. google/rpc/{status,error_details}.proto are not shipped by
# Debian; they come from the PyPI package googleapis-common-protos installed by
# scripts/deps.sh into .local/venv (never copied into the repository).
find_package(Protobuf REQUIRED)
find_package(gRPC CONFIG REQUIRED)
find_program(GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)

set(BROADSHEET_VENV_PYTHON "${CMAKE_SOURCE_DIR}/.local/venv/bin/python" CACHE FILEPATH
    "Python with googleapis-common-protos installed")
if(NOT BROADSHEET_GOOGLEAPIS_PROTO_DIR)
  execute_process(
    COMMAND ${BROADSHEET_VENV_PYTHON} -c
            "import google.rpc, os; print(os.path.dirname(os.path.dirname(google.rpc.__path__[0])))"
    OUTPUT_VARIABLE _googleapis_dir OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0 OR NOT EXISTS "${_googleapis_dir}/google/rpc/error_details.proto")
    message(FATAL_ERROR "google/rpc/error_details.proto not found: run scripts/deps.sh "
                        "(installs googleapis-common-protos into .local/venv)")
  endif()
  set(BROADSHEET_GOOGLEAPIS_PROTO_DIR "${_googleapis_dir}" CACHE PATH "Root holding google/rpc/*.proto")
endif()

set(_gen "${CMAKE_BINARY_DIR}/gen")
file(MAKE_DIRECTORY ${_gen})

set(_proto_srcs)
function(broadsheet_protoc root rel with_grpc)
  get_filename_component(_dir ${rel} DIRECTORY)
  get_filename_component(_name ${rel} NAME_WE)
  set(_outs "${_gen}/${_dir}/${_name}.pb.cc" "${_gen}/${_dir}/${_name}.pb.h")
  set(_args --cpp_out=${_gen})
  if(with_grpc)
    list(APPEND _outs "${_gen}/${_dir}/${_name}.grpc.pb.cc" "${_gen}/${_dir}/${_name}.grpc.pb.h")
    list(APPEND _args --grpc_out=${_gen} --plugin=protoc-gen-grpc=${GRPC_CPP_PLUGIN})
  endif()
  add_custom_command(
    OUTPUT ${_outs}
    COMMAND protobuf::protoc ${_args} -I ${CMAKE_SOURCE_DIR}/proto -I ${BROADSHEET_GOOGLEAPIS_PROTO_DIR}
            ${root}/${rel}
    DEPENDS ${root}/${rel} protobuf::protoc
    COMMENT "protoc ${rel}")
  set(_proto_srcs ${_proto_srcs} ${_outs} PARENT_SCOPE)
endfunction()

broadsheet_protoc(${CMAKE_SOURCE_DIR}/proto broadsheet/v1/article.proto OFF)
broadsheet_protoc(${CMAKE_SOURCE_DIR}/proto broadsheet/v1/ingest_service.proto ON)
broadsheet_protoc(${CMAKE_SOURCE_DIR}/proto broadsheet/v1/query_service.proto ON)
broadsheet_protoc(${BROADSHEET_GOOGLEAPIS_PROTO_DIR} google/rpc/status.proto OFF)
broadsheet_protoc(${BROADSHEET_GOOGLEAPIS_PROTO_DIR} google/rpc/error_details.proto OFF)

add_library(broadsheet_proto STATIC ${_proto_srcs})
target_include_directories(broadsheet_proto SYSTEM PUBLIC ${_gen})
target_link_libraries(broadsheet_proto PUBLIC protobuf::libprotobuf gRPC::grpc++)
# Generated code is not ours to keep warning-free.
target_compile_options(broadsheet_proto PRIVATE -w)
