// Parser throughput: parse + article id + fingerprint + language on one
// thread over >= 100 MB of generated pages, and the same without language
// detection. Reports bytes/s and pages/s.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bench/page_generator.h"
#include "core/article_id.h"
#include "core/page_parser.h"
#include "core/page_reader.h"
#include "core/simhash.h"

namespace broadsheet {
namespace {

const std::vector<std::string>& Pages() {
  static const std::vector<std::string>* pages = [] {
    auto* v = new std::vector<std::string>;
    bench::PageGenerator gen(20240601);
    size_t total = 0;
    while (total < (100u << 20)) {
      v->push_back(gen.Page(8 << 10));
      total += v->back().size();
    }
    return v;
  }();
  return *pages;
}

// Everything the ingest path does per page: parse, ids, fingerprints and
// language. state.range(0) == 0 turns language detection off, to show what
// CLD2 costs on its own.
void BM_ParsePages(benchmark::State& state) {
  const PageParser parser(ProfileSet::Builtin(),
                          ParseOptions{.detect_language = state.range(0) != 0});
  const auto& pages = Pages();
  size_t bytes = 0, items = 0, articles = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop
    for (const auto& page : pages) {
      auto result = parser.Parse(page);
      if (auto* p = std::get_if<ParsedPage>(&result)) articles += p->articles.size();
      benchmark::DoNotOptimize(result);
      bytes += page.size();
      ++items;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(items));
  state.counters["articles_per_page"] =
      items ? static_cast<double>(articles) / static_cast<double>(items) : 0.0;
}
BENCHMARK(BM_ParsePages)
    ->ArgName("language")
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);

void BM_IdAndFingerprint(benchmark::State& state) {
  std::vector<std::string> paragraphs;
  bench::PageGenerator gen(7);
  const std::string page = gen.Page(64 << 10);
  for (size_t pos = 0; pos < page.size();) {
    size_t nl = page.find("\n\n", pos);
    if (nl == std::string::npos) nl = page.size();
    paragraphs.push_back(page.substr(pos, nl - pos));
    pos = nl + 2;
  }
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop
    benchmark::DoNotOptimize(ArticleId("title", paragraphs));
    benchmark::DoNotOptimize(SimHash(paragraphs));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * page.size()));
}
BENCHMARK(BM_IdAndFingerprint);

}  // namespace
}  // namespace broadsheet

BENCHMARK_MAIN();
