// The indexer's tsvector lexer (src/tsearch) on one thread: generated 5 KB
// article bodies (bench/article_generator.h) to to_tsvector('english') text.
// Reports MB/s and articles/s; the indexer runs one lexer per thread.
// BM_LexArticles is what the indexer does per article: title, standfirst
// and body lexed, weighted, joined and encoded for binary COPY.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "bench/article_generator.h"
#include "tsearch/english_tsvector.h"

namespace broadsheet {
namespace {

// The article generator's bodies as the indexer joins them, into `out`.
void JoinBody(const v1::Article& a, std::string* out) {
  out->clear();
  for (const auto& p : a.paragraphs()) *out += p + "\n";
}

const std::vector<v1::Article>& Articles() {
  static const std::vector<v1::Article>* articles = [] {
    auto* v = new std::vector<v1::Article>;
    bench::ArticleGenerator gen(20240602);
    for (int i = 0; i < 2000; ++i) v->push_back(gen.Next(5000));
    return v;
  }();
  return *articles;
}

const std::vector<std::string>& Bodies() {
  static const std::vector<std::string>* bodies = [] {
    auto* v = new std::vector<std::string>(Articles().size());
    for (size_t i = 0; i < v->size(); ++i) JoinBody(Articles()[i], &(*v)[i]);
    return v;
  }();
  return *bodies;
}

// The compiled-in lexer, or null after marking the benchmark skipped.
std::unique_ptr<EnglishTsVector> LexerOrSkip(benchmark::State& state) {
  auto lexer = EnglishTsVector::CreateBuiltin();
  if (lexer == nullptr) state.SkipWithError("no PostgreSQL english.stop at build time");
  return lexer;
}

void BM_LexBodies(benchmark::State& state) {
  auto lexer = LexerOrSkip(state);
  if (lexer == nullptr) return;
  size_t bytes = 0, items = 0, lexed = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop
    for (const std::string& body : Bodies()) {
      auto tsv = lexer->Compute(body);
      lexed += tsv.has_value();
      benchmark::DoNotOptimize(tsv);
      bytes += body.size();
      ++items;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(items));
  state.counters["lexed_share"] = items ? static_cast<double>(lexed) / static_cast<double>(items) : 0;
}
BENCHMARK(BM_LexBodies)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_LexArticles(benchmark::State& state) {
  auto lexer = LexerOrSkip(state);
  if (lexer == nullptr) return;
  size_t bytes = 0, items = 0;
  std::string body, binary;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop
    for (const v1::Article& a : Articles()) {
      JoinBody(a, &body);
      std::optional<TsVector> v = LexWeightedArticle(*lexer, a.title(), a.standfirst(), body);
      binary.clear();
      if (v) v->AppendBinary(&binary);
      benchmark::DoNotOptimize(binary);
      bytes += a.title().size() + a.standfirst().size() + body.size();
      ++items;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(items));
}
BENCHMARK(BM_LexArticles)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
}  // namespace broadsheet
