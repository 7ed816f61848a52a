#include "core/simhash.h"

#include <bit>

#include "core/simhash_internal.h"

namespace broadsheet {

using simhash_internal::Accumulator;
using simhash_internal::FeedText;

uint64_t SimHash(std::string_view text) {
  Accumulator acc;
  FeedText(text, &acc);
  return acc.Finish();
}

uint64_t SimHash(const std::vector<std::string>& paragraphs) {
  Accumulator acc;
  for (const auto& p : paragraphs) FeedText(p, &acc);
  return acc.Finish();
}

int HammingDistance(uint64_t a, uint64_t b) { return std::popcount(a ^ b); }

bool IsNearDuplicate(uint64_t a, uint64_t b, int max_distance) {
  return HammingDistance(a, b) <= max_distance;
}

}  // namespace broadsheet
