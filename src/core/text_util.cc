#include "core/text_util.h"

#include <cstring>

namespace broadsheet::text {

size_t FindInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    // ASCII fast path, 8 bytes at a time.
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

void AppendFolded(std::string_view in, std::string* out) {
  in = Trim(in);
  const size_t n = in.size();
  size_t i = 0;
  bool pending_space = false;
  while (i < n) {
    // Copy the longest run of bytes that cannot start a whitespace character.
    size_t j = i;
    while (j < n) {
      const auto c = static_cast<unsigned char>(in[j]);
      if (c > ' ' && c < 0x80) {
        ++j;
        continue;
      }
      if (SpaceLen(in, j) != 0) break;
      ++j;
    }
    if (j > i) {
      if (pending_space) out->push_back(' ');
      pending_space = false;
      out->append(in.data() + i, j - i);
      i = j;
    }
    while (i < n) {
      size_t k = SpaceLen(in, i);
      if (k == 0) break;
      pending_space = true;
      i += k;
    }
  }
}

std::string Folded(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  AppendFolded(in, &out);
  return out;
}

void AppendIdentityForm(std::string_view in, std::string* out) {
  in = Trim(in);
  const size_t n = in.size();
  bool pending_space = false;
  size_t i = 0;
  while (i < n) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c < 0x80) {
      if (c <= ' ') {
        pending_space = true;
        ++i;
        continue;
      }
      if (pending_space && !out->empty()) out->push_back(' ');
      pending_space = false;
      out->push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
      ++i;
      continue;
    }
    if (size_t k = SpaceLen(in, i); k != 0) {
      pending_space = true;
      i += k;
      continue;
    }
    if (pending_space && !out->empty()) out->push_back(' ');
    pending_space = false;
    if (c == 0xE2 && i + 2 < n && static_cast<unsigned char>(in[i + 1]) == 0x80) {
      const auto b2 = static_cast<unsigned char>(in[i + 2]);
      const char* repl = nullptr;
      if (b2 >= 0x98 && b2 <= 0x9B) repl = "'";        // ‘ ’ ‚ ‛
      else if (b2 >= 0x9C && b2 <= 0x9F) repl = "\"";  // “ ” „ ‟
      else if (b2 >= 0x90 && b2 <= 0x95) repl = "-";   // hyphens and dashes
      else if (b2 == 0xA6) repl = "...";               // …
      if (repl != nullptr) {
        out->append(repl);
        i += 3;
        continue;
      }
    }
    out->push_back(static_cast<char>(c));
    ++i;
  }
}

}  // namespace broadsheet::text
