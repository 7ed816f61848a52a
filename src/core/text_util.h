// Small, allocation-light UTF-8 text helpers shared by the parser, the id and
// fingerprint functions. All functions are pure and thread-safe.
#ifndef BROADSHEET_CORE_TEXT_UTIL_H_
#define BROADSHEET_CORE_TEXT_UTIL_H_

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

// As MakeWordKey() for 1 <= len <= kMaxKeyBytes, but reads 16 bytes at `p`
// unconditionally (the caller guarantees they are readable): no per-byte
// loop, so keying every word of a page stays cheap.
inline WordKey MakeWordKeyPadded(const char* p, size_t len) {
  uint64_t w[2];
  std::memcpy(w, p, 16);
  // Keep the first `len` bytes (little-endian: the low bytes).
  if (len < 8) {
    w[0] &= (uint64_t{1} << (8 * len)) - 1;
    w[1] = 0;
  } else if (len < 16) {
    w[1] &= (uint64_t{1} << (8 * (len - 8))) - 1;
  }
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

}  // namespace broadsheet::text

#endif  // BROADSHEET_CORE_TEXT_UTIL_H_
