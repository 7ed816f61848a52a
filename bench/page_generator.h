// Deterministic generator of realistic raw news pages for benchmarks and
// fuzz seeds: several articles per page with captions and "Show Hide image"
// markers, standfirsts, bullet lists with sub-bullets, author lines, site
// headers, appeals, share buttons, navigation, footers and reader comments.
// Same seed -> same pages. Not thread-safe (owns its PRNG); use one per thread.
#ifndef BROADSHEET_BENCH_PAGE_GENERATOR_H_
#define BROADSHEET_BENCH_PAGE_GENERATOR_H_

#include <cstdint>
#include <random>
#include <string>

namespace broadsheet::bench {

class PageGenerator {
 public:
  explicit PageGenerator(uint64_t seed) : rng_(seed) {}

  // One page of roughly `target_bytes` (at least one full article).
  std::string Page(size_t target_bytes = 12 << 10);

 private:
  size_t Pick(size_t n) { return static_cast<size_t>(rng_() % n); }
  std::string Word();
  std::string Name();
  std::string Sentence(int min_words, int max_words);
  std::string Paragraph(int sentences);
  void Article(std::string* out);
  void Noise(std::string* out);

  std::mt19937_64 rng_;
};

}  // namespace broadsheet::bench

#endif  // BROADSHEET_BENCH_PAGE_GENERATOR_H_
