#include "core/text_util.h"

#include <algorithm>
#include <array>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace broadsheet::text {

size_t FindInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    // ASCII fast path, 16 then 8 bytes at a time.
#if defined(__SSE2__)
    while (i + 16 <= n &&
           _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i))) == 0) {
      i += 16;
    }
#endif
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if (w & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t min;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, min = 0x10000, cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return kNpos;
}

size_t SpaceLen(std::string_view s, size_t i) {
  if (i >= s.size()) return 0;
  const auto c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
  if (c < 0xC2) return 0;
  const size_t n = s.size();
  auto at = [&](size_t k) { return i + k < n ? static_cast<unsigned char>(s[i + k]) : 0; };
  if (c == 0xC2) return at(1) == 0xA0 ? 2 : 0;  // NBSP
  if (c == 0xE2) {
    const unsigned char b1 = at(1), b2 = at(2);
    if (b1 == 0x80 && ((b2 >= 0x80 && b2 <= 0x8B) || b2 == 0xAF)) return 3;  // U+2000..200B, 202F
    if (b1 == 0x81 && b2 == 0x9F) return 3;                                  // U+205F
    return 0;
  }
  if (c == 0xE3) return (at(1) == 0x80 && at(2) == 0x80) ? 3 : 0;  // U+3000
  if (c == 0xEF) return (at(1) == 0xBB && at(2) == 0xBF) ? 3 : 0;  // BOM
  return 0;
}

size_t LeadingSpace(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    size_t k = SpaceLen(s, i);
    if (k == 0) break;
    i += k;
  }
  return i;
}

std::string_view Trim(std::string_view s) {
  s.remove_prefix(LeadingSpace(s));
  // Trailing: step back over whitespace characters. Multi-byte spaces end in
  // a continuation byte, so test the 1-, 2- and 3-byte candidates.
  while (!s.empty()) {
    const size_t n = s.size();
    if (SpaceLen(s, n - 1) == 1) {
      s.remove_suffix(1);
    } else if (n >= 2 && SpaceLen(s, n - 2) == 2) {
      s.remove_suffix(2);
    } else if (n >= 3 && SpaceLen(s, n - 3) == 3) {
      s.remove_suffix(3);
    } else {
      break;
    }
  }
  return s;
}

namespace {

// Bytes of the SimHash separator at s[i], or 0 when s[i] is part of a word.
size_t SimHashSeparatorLen(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (!IsWordByte(c)) return 1;
  if (c < 0xC2) return 0;
  if (size_t k = SpaceLen(s, i); k != 0) return k;
  if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80) return 3;
  return 0;
}

// ScanWindow() for the 16 bytes at `pos` one byte at a time (non-ASCII text
// and the end of `s`). Returns the word bitmap; spaces and punctuation are
// added to `w` at `shift`.
uint64_t ScanBytes(std::string_view s, size_t pos, WordRule rule, int* skip, Window* w, int shift) {
  uint64_t word = 0;
  const size_t end = std::min(s.size(), pos + 16);
  for (size_t i = pos; i < end; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const uint64_t bit = uint64_t{1} << (shift + (i - pos));
    if (c == ' ') w->space |= bit;
    if (c == '.' || c == '!' || c == '?') w->end_punct |= bit;
    if (*skip > 0) {
      --*skip;
      continue;
    }
    if (rule == WordRule::kMeasure) {
      if (c == 0xE2) {
        *skip = 2;
      } else if (IsWordByte(c)) {
        word |= bit;
      }
    } else if (const size_t k = SimHashSeparatorLen(s, i); k != 0) {
      *skip = static_cast<int>(k) - 1;
    } else {
      word |= bit;
    }
  }
  return word;
}

}  // namespace

Window ScanWindow(std::string_view s, size_t pos, WordRule rule, int* skip) {
  Window w;
  const auto* u = reinterpret_cast<const unsigned char*>(s.data());
  for (int part = 0; part < 4; ++part) {
    const size_t at = pos + size_t{16} * part;
    if (at >= s.size()) break;
    const int shift = 16 * part;
#if defined(__SSE2__)
    if (at + 16 <= s.size() && *skip == 0) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(u + at));
      if (_mm_movemask_epi8(v) == 0) {  // ASCII: words are letters and digits
        const __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
        const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                             _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
        const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                            _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
        const __m128i punct = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')), _mm_cmpeq_epi8(v, _mm_set1_epi8('!'))),
            _mm_cmpeq_epi8(v, _mm_set1_epi8('?')));
        auto bits = [&](__m128i m) {
          return static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(m))) << shift;
        };
        w.word |= bits(_mm_or_si128(letter, digit));
        w.space |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')));
        w.end_punct |= bits(punct);
        continue;
      }
    }
#endif
    w.word |= ScanBytes(s, at, rule, skip, &w, shift);
  }
  return w;
}

WordKey MakeWordKey(std::string_view word) {
  if (word.empty() || word.size() > kMaxKeyBytes) return {};
  char buf[kMaxKeyBytes] = {};
  std::memcpy(buf, word.data(), word.size());
  return MakeWordKeyPadded(buf, word.size());
}

namespace {

// Bytes that can neither be whitespace nor start a multi-byte whitespace
// character, so the folding loops copy them without a closer look.
constexpr std::array<bool, 256> MakePlain() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = (c > ' ' && c < 0x80) || (c >= 0x80 && c != 0xC2 && c != 0xE2 && c != 0xE3 && c != 0xEF);
  }
  return t;
}
constexpr std::array<bool, 256> kPlain = MakePlain();

#if defined(__SSE2__)
// Masks (bit k = byte k) over 16 bytes at `p`: bytes that need the scalar
// path (non-ASCII or ASCII controls, including tab and newline) and spaces.
struct Chunk16 {
  uint32_t special;
  uint32_t space;
};
inline Chunk16 ScanChunk16(const unsigned char* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  // Signed compare: bytes >= 0x80 are negative, so they count as "< 0x20".
  const __m128i ctrl = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
  const __m128i sp = _mm_cmpeq_epi8(v, _mm_set1_epi8(' '));
  return {static_cast<uint32_t>(_mm_movemask_epi8(ctrl)),
          static_cast<uint32_t>(_mm_movemask_epi8(sp))};
}
#endif

}  // namespace

size_t FoldInto(std::string_view in, char* out) {
  in = Trim(in);
  const size_t n = in.size();
  const auto* s = reinterpret_cast<const unsigned char*>(in.data());
  char* o = out;
  size_t i = 0;
  while (i < n) {
    size_t stop = n;  // scalar work runs until i passes `stop`
#if defined(__SSE2__)
    if (i + 16 <= n) {
      // Fast path: 16 plain ASCII bytes whose spaces are single (also across
      // the chunk boundary) are copied as they are.
      const Chunk16 c = ScanChunk16(s + i);
      const uint32_t prev_space = o != out && o[-1] == ' ';
      const uint32_t flagged = c.special | (c.space & ((c.space << 1) | prev_space));
      if (flagged == 0) {
        std::memcpy(o, s + i, 16);
        o += 16;
        i += 16;
        continue;
      }
      stop = i + static_cast<size_t>(__builtin_ctz(flagged));
    }
#endif
    while (i < n && i <= stop) {
      const unsigned char c = s[i];
      if (kPlain[c]) {
        *o++ = static_cast<char>(c);
        ++i;
        continue;
      }
      size_t k = SpaceLen(in, i);
      if (k == 0) {  // a multi-byte character that is not a space
        *o++ = static_cast<char>(c);
        ++i;
        continue;
      }
      // A whitespace run; `in` is trimmed, so text follows it. The previous
      // chunk may already have copied a space that starts this run.
      i += k;
      while ((k = SpaceLen(in, i)) != 0) i += k;
      if (o == out || o[-1] != ' ') *o++ = ' ';
    }
  }
  return static_cast<size_t>(o - out);
}

void AppendFolded(std::string_view in, std::string* out) {
  const size_t old = out->size();
  out->resize(old + in.size());
  out->resize(old + FoldInto(in, out->data() + old));
}

std::string Folded(std::string_view in) {
  std::string out;
  AppendFolded(in, &out);
  return out;
}

namespace {

// Identity-form byte classes: 0 copy as is, 1 ASCII whitespace or control
// (folds to one space), 2 ASCII uppercase, 3 may start a multi-byte space or
// punctuation that the identity form rewrites.
constexpr std::array<uint8_t, 256> MakeIdClass() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c <= ' '; ++c) t[c] = 1;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = 2;
  t[0xC2] = t[0xE2] = t[0xE3] = t[0xEF] = 3;
  return t;
}
constexpr std::array<uint8_t, 256> kIdClass = MakeIdClass();

}  // namespace

void AppendIdentityForm(std::string_view in, std::string* out) {
  in = Trim(in);
  const size_t n = in.size();
  // The identity form is never longer than its input: every rewrite maps a
  // sequence to one of at most the same length.
  const size_t old = out->size();
  out->resize(old + n);
  char* const base = out->data();
  char* o = base + old;
  const auto* s = reinterpret_cast<const unsigned char*>(in.data());
  bool pending_space = false;
  size_t i = 0;
  while (i < n) {
    size_t stop = n;  // scalar work runs until i passes `stop`
#if defined(__SSE2__)
    if (i + 16 <= n) {
      // Fast path: 16 ASCII bytes without controls and with single spaces
      // only need lowercasing.
      const Chunk16 c = ScanChunk16(s + i);
      // A space in the last byte only defers to the next byte, as in the
      // scalar loop: copy 15 bytes and leave the space pending. A space in
      // the first byte is copied as is unless one is already pending: past
      // the first byte, no space pending means the last byte emitted
      // something, so the scalar loop would emit this space too.
      const uint32_t trailing = c.space & 0x8000u;
      const uint32_t flagged =
          c.special | (c.space & ((c.space << 1) | (pending_space || i == 0 ? 1u : 0u))) |
          (trailing & (c.space << 1));
      if (flagged == 0) {
        if (pending_space && o != base) *o++ = ' ';  // reset below
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
        const __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('A' - 1)),
                                            _mm_cmplt_epi8(v, _mm_set1_epi8('Z' + 1)));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(o),
                         _mm_add_epi8(v, _mm_and_si128(upper, _mm_set1_epi8(0x20))));
        o += trailing != 0 ? 15 : 16;
        pending_space = trailing != 0;
        i += 16;
        continue;
      }
      stop = i + static_cast<size_t>(__builtin_ctz(flagged));
    }
#endif
    while (i < n && i <= stop) {
      const unsigned char c = s[i];
      switch (kIdClass[c]) {
        case 0:
        case 2:
          if (pending_space) {
            if (o != base) *o++ = ' ';
            pending_space = false;
          }
          *o++ = static_cast<char>(kIdClass[c] == 2 ? c + 32 : c);
          ++i;
          continue;
        case 1:
          pending_space = true;
          ++i;
          continue;
        default:
          break;
      }
      if (size_t k = SpaceLen(in, i); k != 0) {
        pending_space = true;
        i += k;
        continue;
      }
      if (pending_space) {
        if (o != base) *o++ = ' ';
        pending_space = false;
      }
      if (c == 0xE2 && i + 2 < n && s[i + 1] == 0x80) {
        const unsigned char b2 = s[i + 2];
        const char* repl = nullptr;
        if (b2 >= 0x98 && b2 <= 0x9B) repl = "'";        // ‘ ’ ‚ ‛
        else if (b2 >= 0x9C && b2 <= 0x9F) repl = "\"";  // “ ” „ ‟
        else if (b2 >= 0x90 && b2 <= 0x95) repl = "-";   // hyphens and dashes
        else if (b2 == 0xA6) repl = "...";               // …
        if (repl != nullptr) {
          for (; *repl != '\0'; ++repl) *o++ = *repl;
          i += 3;
          continue;
        }
      }
      *o++ = static_cast<char>(c);
      ++i;
    }
  }
  out->resize(static_cast<size_t>(o - base));
}

}  // namespace broadsheet::text
