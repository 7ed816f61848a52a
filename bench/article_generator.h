// Deterministic generator of article records for indexer and query
// benchmarks: body text drawn from a Zipf-distributed vocabulary of
// pronounceable pseudo-words (about 50,000 of them) mixed with English
// stopwords, so the full-text index sees a realistic number of distinct
// lexemes per article and across the archive. Same seed, same articles.
// Not thread-safe: one generator per thread.
#ifndef BROADSHEET_BENCH_ARTICLE_GENERATOR_H_
#define BROADSHEET_BENCH_ARTICLE_GENERATOR_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "broadsheet/v1/article.pb.h"

namespace broadsheet::bench {

class ArticleGenerator {
 public:
  explicit ArticleGenerator(uint64_t seed, int vocabulary = 50000);

  // One article whose paragraphs hold about `body_bytes` bytes.
  v1::Article Next(size_t body_bytes = 5000);

  // A word of rank `rank` (0 = most frequent); stable across runs.
  const std::string& Word(size_t rank) const { return vocabulary_[rank]; }
  // A word drawn from the Zipf distribution.
  const std::string& RandomWord();

 private:
  std::string Sentence(int words);

  std::mt19937_64 rng_;
  std::vector<std::string> vocabulary_;
  std::vector<double> cumulative_;  // Zipf CDF over vocabulary_
  uint64_t counter_ = 0;
};

}  // namespace broadsheet::bench

#endif  // BROADSHEET_BENCH_ARTICLE_GENERATOR_H_
