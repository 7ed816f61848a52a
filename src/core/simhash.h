// 64-bit SimHash fingerprints for near-duplicate detection.
//
// SimHash() tokenises text into words (runs of ASCII letters/digits and
// non-ASCII bytes, ASCII lowercased; curly quotes and dashes separate words),
// hashes every 3-word shingle (fewer words: one shingle of all of them) with
// XXH3 and sums the bit votes. Texts that share most shingles get fingerprints
// a few bits apart. Pure and thread-safe; linear in the input size.
#ifndef BROADSHEET_CORE_SIMHASH_H_
#define BROADSHEET_CORE_SIMHASH_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace broadsheet {

uint64_t SimHash(std::string_view text);
// As SimHash() over the paragraphs joined by spaces, without the copy.
uint64_t SimHash(const std::vector<std::string>& paragraphs);

int HammingDistance(uint64_t a, uint64_t b);
bool IsNearDuplicate(uint64_t a, uint64_t b, int max_distance = 3);

}  // namespace broadsheet

#endif  // BROADSHEET_CORE_SIMHASH_H_
