#include "bench/article_generator.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace broadsheet::bench {
namespace {

constexpr std::array<const char*, 24> kOnsets = {"b", "c", "d", "f", "g", "h", "l", "m",
                                                 "n", "p", "r", "s", "t", "v", "w", "br",
                                                 "ch", "cl", "dr", "gr", "pl", "st", "tr", "sh"};
constexpr std::array<const char*, 8> kVowels = {"a", "e", "i", "o", "u", "ea", "ou", "ai"};
constexpr std::array<const char*, 12> kCodas = {"", "", "n", "r", "s", "t", "l", "nd",
                                                "st", "ck", "ng", "rt"};
constexpr std::array<const char*, 20> kStopwords = {
    "the", "of", "and", "to", "a", "in", "that", "is", "was", "for",
    "it", "on", "with", "as", "by", "at", "this", "from", "but", "their"};

}  // namespace

ArticleGenerator::ArticleGenerator(uint64_t seed, int vocabulary) : rng_(seed) {
  std::mt19937_64 words(12345);  // the vocabulary is the same for every seed
  vocabulary_.reserve(vocabulary);
  while (static_cast<int>(vocabulary_.size()) < vocabulary) {
    std::string w;
    int syllables = 1 + static_cast<int>(words() % 3);
    for (int s = 0; s < syllables; ++s) {
      w += kOnsets[words() % kOnsets.size()];
      w += kVowels[words() % kVowels.size()];
      w += kCodas[words() % kCodas.size()];
    }
    vocabulary_.push_back(std::move(w));
  }
  double total = 0;
  cumulative_.reserve(vocabulary);
  for (int i = 0; i < vocabulary; ++i) {
    total += 1.0 / (i + 1);
    cumulative_.push_back(total);
  }
  for (double& c : cumulative_) c /= total;
}

const std::string& ArticleGenerator::RandomWord() {
  double u = std::uniform_real_distribution<double>(0, 1)(rng_);
  auto it = std::lower_bound(cumulative_.begin(), cumulative_.end(), u);
  return vocabulary_[std::min<size_t>(it - cumulative_.begin(), vocabulary_.size() - 1)];
}

std::string ArticleGenerator::Sentence(int words) {
  std::string s;
  for (int i = 0; i < words; ++i) {
    if (i > 0) s.push_back(' ');
    // About four in ten words of English prose are stopwords.
    if (rng_() % 10 < 4) {
      s += kStopwords[rng_() % kStopwords.size()];
    } else {
      s += RandomWord();
    }
  }
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  s.push_back('.');
  return s;
}

v1::Article ArticleGenerator::Next(size_t body_bytes) {
  v1::Article a;
  char id[17];
  std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(rng_()));
  a.set_id(id);
  a.set_title(Sentence(8));
  a.set_standfirst(Sentence(18));
  size_t bytes = 0;
  while (bytes < body_bytes) {
    std::string paragraph;
    for (int s = 0; s < 4; ++s) {
      paragraph += (s ? " " : "") + Sentence(12 + static_cast<int>(rng_() % 14));
    }
    bytes += paragraph.size();
    a.add_paragraphs(std::move(paragraph));
  }
  a.mutable_author()->set_name("Author " + vocabulary_[rng_() % 500]);
  a.mutable_author()->set_bio("A correspondent.");
  a.mutable_site()->set_name("Site " + vocabulary_[rng_() % 40]);
  a.set_language("en");
  a.set_word_count(static_cast<int>(bytes / 6));
  a.set_fingerprint(rng_());
  auto* source = a.add_sources();
  source->set_page_id(std::string(id) + "p");
  source->set_url("https://bench.example/" + std::string(id));
  ++counter_;
  return a;
}

}  // namespace broadsheet::bench
