// broadsheet: command-line client. See `broadsheet help`.
#include <cstdio>
#include <string>
#include <vector>

#include "commands.h"

namespace {

constexpr char kUsage[] =
    "usage: broadsheet COMMAND [ARGS]\n"
    "\n"
    "  parse [--format text|jsonl|wet] [--profiles DIR] [--explain] FILE...\n"
    "        parse pages locally (FILE - reads standard input); prints one JSON\n"
    "        object per page (proto3 JSON); --explain first prints how each line\n"
    "        was read (kind, rule, + content, * taken)\n"
    "  ingest [--format text|jsonl|wet] FILE...|DIR\n"
    "        send pages to the ingest service (BROADSHEET_INGEST_ADDR, default 127.0.0.1:50051)\n"
    "  search [--author NAME[,NAME]] [--site SITE] [--from DATE] [--to DATE]\n"
    "         [--fetched-from DATE] [--fetched-to DATE]\n"
    "         [--sort relevance|newest] [--language CODE] [--duplicates]\n"
    "         [--limit N] [--page-token TOKEN] [--json] QUERY\n"
    "        search the archive (BROADSHEET_QUERY_ADDR, default 127.0.0.1:50052);\n"
    "        QUERY uses web-search syntax: words, \"a phrase\", OR, -word,\n"
    "        author:\"Full Name\", site:host, -author:/-site: to exclude;\n"
    "        --from/--to bound the article's date (published, else fetched or\n"
    "        indexed; YYYY-MM-DD, a --to day included, or RFC 3339), --fetched-*\n"
    "        the crawl time; filters alone list their articles newest first;\n"
    "        -- ends the options\n"
    "  get [--json] ID\n"
    "        print one article\n"
    "  authors [--limit N] [--page-token TOKEN] [--json] [NAME]\n"
    "        list authors with article counts, or show one\n"
    "  similar [--limit N] [--json] ID\n"
    "        near-duplicates, then articles sharing the most terms\n"
    "  comments [--limit N] [--page-token TOKEN] [--json] ID\n"
    "        reader comments on the pages an article was found on\n"
    "  watch [--author NAME] [--site SITE] [--from DATE] [--to DATE] [--fetched-from DATE]\n"
    "        [--fetched-to DATE] [--language CODE]\n"
    "        [--duplicates] [--resume TOKEN] [--count N] [--json] [QUERY]\n"
    "        print newly indexed articles as they arrive\n"
    "  health [--service NAME] [--timeout SECONDS] HOST:PORT\n"
    "        grpc.health.v1 check; exits 0 only when SERVING (container health checks)\n"
    "\n"
    "TLS: BROADSHEET_TLS_CA (+ BROADSHEET_TLS_CLIENT_CERT/_KEY for mTLS); the ingest\n"
    "token is read from BROADSHEET_INGEST_TOKEN_FILE.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "parse") return broadsheet::cli::Parse(args);
  if (command == "ingest") return broadsheet::cli::Ingest(args);
  if (command == "search") return broadsheet::cli::Search(args);
  if (command == "get") return broadsheet::cli::Get(args);
  if (command == "authors") return broadsheet::cli::Authors(args);
  if (command == "similar") return broadsheet::cli::Similar(args);
  if (command == "comments") return broadsheet::cli::Comments(args);
  if (command == "watch") return broadsheet::cli::Watch(args);
  if (command == "health") return broadsheet::cli::Health(args);
  if (command == "help" || command == "--help" || command == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  std::fprintf(stderr, "broadsheet: unknown command '%s'\n\n%s", command.c_str(), kUsage);
  return 2;
}
