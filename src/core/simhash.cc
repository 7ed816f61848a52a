#include "core/simhash.h"

// Inlined XXH3 (same function as the shared library's, so fingerprints are
// unchanged): one call per word and per shingle is too many for a call into
// libxxhash.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <array>
#include <bit>
#include <cstring>

#include "core/text_util.h"

namespace broadsheet {
namespace {

// Byte b -> 8 byte-lanes holding its bits, so one add counts 8 bit votes.
constexpr std::array<uint64_t, 256> MakeSpread() {
  std::array<uint64_t, 256> t{};
  for (int b = 0; b < 256; ++b) {
    uint64_t v = 0;
    for (int k = 0; k < 8; ++k) v |= static_cast<uint64_t>((b >> k) & 1) << (8 * k);
    t[b] = v;
  }
  return t;
}
constexpr std::array<uint64_t, 256> kSpread = MakeSpread();

class Accumulator {
 public:
  void AddWord(std::string_view s, size_t begin, size_t end) {
    // Lowercase ASCII into a small buffer; long words are hashed in place.
    char buf[64];
    const size_t len = end - begin;
    uint64_t h;
    if (len <= text::kMaxKeyBytes && begin + 16 <= s.size()) {
      // Lowercase 8 bytes at a time; the key holds exactly the word's bytes.
      const text::WordKey key = text::MakeWordKeyPadded(s.data() + begin, len);
      std::memcpy(buf, &key.lo, 8);
      std::memcpy(buf + 8, &key.hi, 8);
      h = XXH3_64bits(buf, len);
    } else if (len <= sizeof(buf)) {
      for (size_t i = 0; i < len; ++i) {
        char c = s[begin + i];
        buf[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
      }
      h = XXH3_64bits(buf, len);
    } else {
      h = XXH3_64bits(s.data() + begin, len);
    }
    w_[0] = w_[1];
    w_[1] = w_[2];
    w_[2] = h;
    if (++words_ >= 3) AddShingle(Mix(w_[0], w_[1], w_[2]));
  }

  uint64_t Finish() {
    if (words_ > 0 && words_ < 3) {
      AddShingle(Mix(words_ == 2 ? w_[1] : 0, words_ == 2 ? w_[2] : 0, w_[2]));
    }
    Flush();
    uint64_t out = 0;
    for (int bit = 0; bit < 64; ++bit) {
      if (2 * ones_[bit] > total_) out |= uint64_t{1} << bit;
    }
    return out;
  }

 private:
  static uint64_t Mix(uint64_t a, uint64_t b, uint64_t c) {
    const uint64_t v[3] = {a, b, c};
    return XXH3_64bits(v, sizeof(v));
  }

  void AddShingle(uint64_t h) {
    for (int byte = 0; byte < 8; ++byte) lanes_[byte] += kSpread[(h >> (8 * byte)) & 0xFF];
    ++total_;
    if (++pending_ == 255) Flush();  // byte lanes would overflow at 256
  }

  void Flush() {
    for (int byte = 0; byte < 8; ++byte) {
      for (int k = 0; k < 8; ++k) ones_[8 * byte + k] += (lanes_[byte] >> (8 * k)) & 0xFF;
      lanes_[byte] = 0;
    }
    pending_ = 0;
  }

  uint64_t w_[3] = {0, 0, 0};
  uint64_t words_ = 0;
  uint64_t lanes_[8] = {};
  uint64_t ones_[64] = {};
  uint64_t total_ = 0;
  int pending_ = 0;
};

void Feed(std::string_view s, Accumulator* acc) {
  text::ForEachWord(
      s, text::WordRule::kSimHash, [&](size_t begin, size_t end) { acc->AddWord(s, begin, end); },
      [](const text::Window&) {});
}

}  // namespace

uint64_t SimHash(std::string_view text) {
  Accumulator acc;
  Feed(text, &acc);
  return acc.Finish();
}

uint64_t SimHash(const std::vector<std::string>& paragraphs) {
  Accumulator acc;
  for (const auto& p : paragraphs) Feed(p, &acc);
  return acc.Finish();
}

int HammingDistance(uint64_t a, uint64_t b) { return std::popcount(a ^ b); }

bool IsNearDuplicate(uint64_t a, uint64_t b, int max_distance) {
  return HammingDistance(a, b) <= max_distance;
}

}  // namespace broadsheet
