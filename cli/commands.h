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

}  // namespace broadsheet::cli

#endif  // BROADSHEET_CLI_COMMANDS_H_
