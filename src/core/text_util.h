// Small, allocation-light UTF-8 text helpers shared by the parser, the id and
// fingerprint functions. All functions are pure and thread-safe.
#ifndef BROADSHEET_CORE_TEXT_UTIL_H_
#define BROADSHEET_CORE_TEXT_UTIL_H_

#include <cstddef>
#include <cstdint>
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

// Appends `in` to `out` with every whitespace run folded to one ASCII space
// and no leading/trailing space. Fast path for plain ASCII text.
void AppendFolded(std::string_view in, std::string* out);
std::string Folded(std::string_view in);

// Appends the identity form of `in`: whitespace folded, curly quotes made
// straight, en/em dashes made '-', ellipsis made "...", ASCII lowercased.
// Used by ArticleId(); changing it changes every article id.
void AppendIdentityForm(std::string_view in, std::string* out);

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
inline bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

}  // namespace broadsheet::text

#endif  // BROADSHEET_CORE_TEXT_UTIL_H_
