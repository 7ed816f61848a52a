// The `broadsheet` command-line client's subcommands. Each returns the
// process exit status: 0 success, 1 some input was rejected or a call
// failed, 2 usage error.
#ifndef BROADSHEET_CLI_COMMANDS_H_
#define BROADSHEET_CLI_COMMANDS_H_

#include <string>
#include <vector>

namespace broadsheet::cli {

int Parse(const std::vector<std::string>& args);
int Ingest(const std::vector<std::string>& args);
int Search(const std::vector<std::string>& args);
int Get(const std::vector<std::string>& args);
int Authors(const std::vector<std::string>& args);
int Similar(const std::vector<std::string>& args);
int Comments(const std::vector<std::string>& args);
int Watch(const std::vector<std::string>& args);
// grpc.health.v1 check of HOST:PORT (cli/health.cc); 0 only when SERVING.
int Health(const std::vector<std::string>& args);

}  // namespace broadsheet::cli

#endif  // BROADSHEET_CLI_COMMANDS_H_
