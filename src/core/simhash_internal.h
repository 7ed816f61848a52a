// The pieces of SimHash() (simhash.h) that the page parser calls directly:
// it hashes every word while it measures a block (one pass over the text),
// and folds the article's word hashes into the fingerprint afterwards. Both
// paths compute exactly the fingerprint SimHash() defines.
#ifndef BROADSHEET_CORE_SIMHASH_INTERNAL_H_
#define BROADSHEET_CORE_SIMHASH_INTERNAL_H_

// Inlined XXH3 (same function as the shared library's, so fingerprints are
// unchanged): one call per word and per shingle is too many for a call into
// libxxhash.
#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "core/text_util.h"

namespace broadsheet::simhash_internal {

// Hash of one SimHash token p[0, len): XXH3 of its ASCII-lowercased bytes;
// tokens over 64 bytes are hashed as they are. `padded`: 16 bytes at `p` are
// readable whatever `len` is.
inline uint64_t WordHash(const char* p, size_t len, bool padded) {
  if (len <= text::kMaxKeyBytes && padded) {
    // The key holds exactly the word's bytes, lowercased (little-endian).
    const text::WordKey key = text::MakeWordKeyPadded(p, len);
    char buf[16];
    std::memcpy(buf, &key.lo, 8);
    std::memcpy(buf + 8, &key.hi, 8);
    return XXH3_64bits(buf, len);
  }
  if (len <= 64) {
    char buf[64] = {};  // (rare path; zeroed so static analysis can follow `len`)
    for (size_t i = 0; i < len; ++i) {
      const char c = p[i];
      buf[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    }
    return XXH3_64bits(buf, len);
  }
  return XXH3_64bits(p, len);
}

// As WordHash() for a word whose key the caller already made.
inline uint64_t WordHashOfKey(const text::WordKey& key, size_t len) {
  char buf[16];
  std::memcpy(buf, &key.lo, 8);
  std::memcpy(buf + 8, &key.hi, 8);
  return XXH3_64bits(buf, len);
}

// Sums the bit votes of the 3-word shingles of a stream of word hashes.
class Accumulator {
 public:
  void AddWordHash(uint64_t h) {
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

#if defined(__SSE2__)
  // One byte counter per bit: byte j of lanes_[k] counts bit 16k + j.
  void AddShingle(uint64_t h) {
    const __m128i bits = _mm_set_epi8(-128, 64, 32, 16, 8, 4, 2, 1, -128, 64, 32, 16, 8, 4, 2, 1);
    __m128i x = _mm_cvtsi64_si128(static_cast<long long>(h));
    x = _mm_unpacklo_epi8(x, x);                 // b0 b0 b1 b1 ... b7 b7
    const __m128i lo = _mm_unpacklo_epi16(x, x);  // b0 x4 .. b3 x4
    const __m128i hi = _mm_unpackhi_epi16(x, x);  // b4 x4 .. b7 x4
    const __m128i spread[4] = {_mm_unpacklo_epi32(lo, lo), _mm_unpackhi_epi32(lo, lo),
                               _mm_unpacklo_epi32(hi, hi), _mm_unpackhi_epi32(hi, hi)};
    for (int k = 0; k < 4; ++k) {
      const __m128i set = _mm_cmpeq_epi8(_mm_and_si128(spread[k], bits), bits);  // 0xFF or 0
      lanes_[k] = _mm_sub_epi8(lanes_[k], set);
    }
    ++total_;
    if (++pending_ == 255) Flush();  // byte counters would overflow at 256
  }

  void Flush() {
    for (int k = 0; k < 4; ++k) {
      alignas(16) uint8_t c[16];
      _mm_store_si128(reinterpret_cast<__m128i*>(c), lanes_[k]);
      for (int j = 0; j < 16; ++j) ones_[16 * k + j] += c[j];
      lanes_[k] = _mm_setzero_si128();
    }
    pending_ = 0;
  }

  __m128i lanes_[4] = {_mm_setzero_si128(), _mm_setzero_si128(), _mm_setzero_si128(),
                       _mm_setzero_si128()};
#else
  // Byte b -> 8 byte-lanes holding its bits, so one add counts 8 bit votes.
  static constexpr std::array<uint64_t, 256> MakeSpread() {
    std::array<uint64_t, 256> t{};
    for (int b = 0; b < 256; ++b) {
      uint64_t v = 0;
      for (int k = 0; k < 8; ++k) v |= static_cast<uint64_t>((b >> k) & 1) << (8 * k);
      t[b] = v;
    }
    return t;
  }
  static constexpr std::array<uint64_t, 256> kSpread = MakeSpread();

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

  uint64_t lanes_[8] = {};
#endif

  uint64_t w_[3] = {0, 0, 0};
  uint64_t words_ = 0;
  uint64_t ones_[64] = {};
  uint64_t total_ = 0;
  int pending_ = 0;
};

// Feeds the SimHash tokens of `s` to `acc`.
inline void FeedText(std::string_view s, Accumulator* acc) {
  text::ForEachWord(
      s, text::WordRule::kSimHash,
      [&](size_t begin, size_t end) {
        acc->AddWordHash(WordHash(s.data() + begin, end - begin, begin + 16 <= s.size()));
      },
      [](const text::Window&) {});
}

}  // namespace broadsheet::simhash_internal

#endif  // BROADSHEET_CORE_SIMHASH_INTERNAL_H_
