// Small, allocation-light UTF-8 text helpers shared by the parser, the id and
// fingerprint functions. All functions are pure and thread-safe.
#ifndef BROADSHEET_CORE_TEXT_UTIL_H_
#define BROADSHEET_CORE_TEXT_UTIL_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace broadsheet::text {

inline constexpr size_t kNpos = std::string_view::npos;

// Byte offset of the first byte that starts an invalid UTF-8 sequence
// (overlong forms, surrogates and code points above U+10FFFF are invalid), or
// kNpos when `s` is valid.
size_t FindInvalidUtf8(std::string_view s);

// Byte length of the whitespace character starting at s[i], or 0 (also when
// i is past the end). Covers
// ASCII whitespace, NBSP, the U+2000 block spaces, zero-width space, narrow
// NBSP, U+205F, U+3000 and the BOM (crawls leave all of these in text).
size_t SpaceLen(std::string_view s, size_t i);

// Bytes of leading whitespace.
size_t LeadingSpace(std::string_view s);

// `s` without leading and trailing whitespace (as SpaceLen defines it).
std::string_view Trim(std::string_view s);

// Writes `in` to `out` with every whitespace run folded to one ASCII space
// and no leading/trailing space; returns the bytes written (at most
// in.size(), so `out` needs room for that many).
size_t FoldInto(std::string_view in, char* out);

// Appends `in` to `out` with every whitespace run folded to one ASCII space
// and no leading/trailing space. Fast path for plain ASCII text.
void AppendFolded(std::string_view in, std::string* out);
std::string Folded(std::string_view in);

// Appends the identity form of `in`: whitespace folded, curly quotes made
// straight, en/em dashes made '-', ellipsis made "...", ASCII lowercased.
// Used by ArticleId(); changing it changes every article id.
void AppendIdentityForm(std::string_view in, std::string* out);

// Exact key of a word of at most kMaxKeyBytes bytes for set lookups: its
// bytes, ASCII-lowercased, zero-padded into two words. Valid page text holds
// no NUL bytes, so the padding makes the key unique without a length.
inline constexpr size_t kMaxKeyBytes = 16;
struct WordKey {
  uint64_t lo = 0, hi = 0;
  bool operator==(const WordKey&) const = default;
};

// Key of `word`; words longer than kMaxKeyBytes get an all-zero key (which
// no word of 1..16 bytes has).
WordKey MakeWordKey(std::string_view word);

namespace internal {
// kKeyMask[len]: the masks keeping the first `len` bytes of two words.
inline constexpr auto kKeyMask = [] {
  std::array<std::array<uint64_t, 2>, kMaxKeyBytes + 1> m{};
  for (size_t len = 0; len <= kMaxKeyBytes; ++len) {
    for (size_t i = 0; i < len; ++i) m[len][i / 8] |= uint64_t{0xFF} << (8 * (i % 8));
  }
  return m;
}();
}  // namespace internal

// As MakeWordKey() for 1 <= len <= kMaxKeyBytes, but reads 16 bytes at `p`
// unconditionally (the caller guarantees they are readable): no per-byte
// loop, so keying every word of a page stays cheap.
inline WordKey MakeWordKeyPadded(const char* p, size_t len) {
  uint64_t w[2];
  std::memcpy(w, p, 16);
  // Keep the first `len` bytes (little-endian: the low bytes). Masks from a
  // table rather than branches on `len`: word lengths are unpredictable.
  w[0] &= internal::kKeyMask[len][0];
  w[1] &= internal::kKeyMask[len][1];
  // SWAR ASCII lowercase: add 0x20 to bytes in 'A'..'Z' only.
  for (uint64_t& x : w) {
    const uint64_t heptets = x & 0x7F7F7F7F7F7F7F7Full;
    const uint64_t ge_a = heptets + 0x3F3F3F3F3F3F3F3Full;  // high bit set if >= 'A'
    const uint64_t gt_z = heptets + 0x2525252525252525ull;  // high bit set if > 'Z'
    const uint64_t upper = ge_a & ~gt_z & ~x & 0x8080808080808080ull;
    x |= upper >> 2;
  }
  return {w[0], w[1]};
}

// 64-bit FNV-1a of the ASCII-lowercased bytes of `word`.
inline uint64_t LowerHash(std::string_view word) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : word) {
    if (c >= 'A' && c <= 'Z') c += 32;
    h = (h ^ c) * 1099511628211ull;
  }
  return h;
}

// True for bytes that belong to a word: ASCII letters/digits and any byte of a
// multi-byte UTF-8 sequence (so non-Latin scripts form words too).
constexpr bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

// How ScanWindow() tells word bytes from separators outside ASCII (inside
// ASCII, words are runs of letters and digits under both rules).
enum class WordRule : uint8_t {
  // The parser's text measures: every 0xE2 sequence (curly quotes, dashes,
  // bullets, arrows) separates words; other non-ASCII bytes are word bytes.
  kMeasure,
  // SimHash tokens: Unicode spaces and U+2000..U+203F separate words; other
  // non-ASCII bytes are word bytes.
  kSimHash,
};

// Bitmaps of s[pos, pos + 64): bit k describes byte pos + k; bytes past the
// end of `s` read as separators. Scanning a page 64 bytes at a time and
// walking word boundaries with bit tricks avoids a branch per byte.
struct Window {
  uint64_t word = 0;      // word bytes
  uint64_t space = 0;     // ASCII spaces
  uint64_t end_punct = 0;  // '.', '!' and '?'
};
// `skip` carries, from one window to the next, how many bytes of a multi-byte
// separator are still to come; start with 0.
Window ScanWindow(std::string_view s, size_t pos, WordRule rule, int* skip);

// Calls on_word(begin, end) for every word of `s` under `rule`, in order, and
// returns the number of words; `on_window`, if given, sees every Window.
template <typename OnWord, typename OnWindow>
size_t ForEachWord(std::string_view s, WordRule rule, OnWord&& on_word, OnWindow&& on_window) {
  size_t words = 0, start = 0;
  uint64_t carry = 0;  // 1 when a word runs over the window boundary
  int skip = 0;
  for (size_t pos = 0; pos < s.size(); pos += 64) {
    const Window w = ScanWindow(s, pos, rule, &skip);
    on_window(w);
    const uint64_t shifted = (w.word << 1) | carry;
    uint64_t events = (w.word & ~shifted) | (~w.word & shifted);  // starts and ends
    while (events != 0) {
      const size_t at = pos + static_cast<size_t>(__builtin_ctzll(events));
      if (w.word >> (at - pos) & 1) {
        start = at;
      } else {
        on_word(start, at);
        ++words;
      }
      events &= events - 1;
    }
    carry = w.word >> 63;
  }
  if (carry != 0) {
    on_word(start, s.size());
    ++words;
  }
  return words;
}

}  // namespace broadsheet::text

#endif  // BROADSHEET_CORE_TEXT_UTIL_H_
