#include "tsearch/english_tsvector.h"

#include <libstemmer.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace broadsheet {
namespace {

constexpr int kMaxPosition = 16383;         // PostgreSQL's MAXENTRYPOS - 1
constexpr size_t kMaxPositionsPerLexeme = 255;
constexpr size_t kMaxTokenBytes = 200;      // longer tokens: let PostgreSQL decide
constexpr size_t kMaxCacheEntries = 1 << 20;

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// ASCII punctuation PostgreSQL's parser treats as a plain separator when it
// does not glue two tokens together.
bool IsPlainPunct(char c) {
  switch (c) {
    case '.': case ',': case ';': case ':': case '!': case '?': case '"': case '\'':
    case '(': case ')': case '[': case ']': case '-':
      return true;
    default:
      return false;
  }
}

// Bytes of the typographic separator starting at `s`, or 0: NBSP, single and
// double curly quotes, en and em dashes, ellipsis, bullet.
size_t TypographicSeparator(std::string_view s) {
  if (s.size() >= 2 && static_cast<unsigned char>(s[0]) == 0xC2 &&
      static_cast<unsigned char>(s[1]) == 0xA0) {
    return 2;
  }
  if (s.size() >= 3 && static_cast<unsigned char>(s[0]) == 0xE2 &&
      static_cast<unsigned char>(s[1]) == 0x80) {
    switch (static_cast<unsigned char>(s[2])) {
      case 0x93: case 0x94:               // – —
      case 0x98: case 0x99:               // ‘ ’
      case 0x9C: case 0x9D:               // “ ”
      case 0xA2: case 0xA6:               // • …
        return 3;
      default:
        return 0;
    }
  }
  return 0;
}

bool IsApostrophe(std::string_view s) {
  return (!s.empty() && s[0] == '\'') ||
         (s.size() >= 3 && static_cast<unsigned char>(s[0]) == 0xE2 &&
          static_cast<unsigned char>(s[1]) == 0x80 && static_cast<unsigned char>(s[2]) == 0x99);
}

bool AllAlpha(std::string_view s) { return std::all_of(s.begin(), s.end(), IsAlpha); }
bool AllDigit(std::string_view s) { return std::all_of(s.begin(), s.end(), IsDigit); }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// What follows a token at `rest` is safe when it ends the token without
// gluing it to another one in a way PostgreSQL's parser would read as one
// token (a host, a decimal, a version, an e-mail, ...).
bool SafeBoundary(std::string_view rest, bool letters_only) {
  if (rest.empty() || IsSpace(rest[0])) return true;
  size_t sep = IsPlainPunct(rest[0]) ? 1 : TypographicSeparator(rest);
  if (sep == 0) return false;
  if (rest.size() == sep || !IsAlnum(rest[sep])) return true;
  // Glued to another token: only apostrophes between letters ("don't",
  // "Labour's") and typographic dashes split plain words the same way.
  bool dash = sep == 3 && static_cast<unsigned char>(rest[2]) >= 0x93 &&
              static_cast<unsigned char>(rest[2]) <= 0x94;
  return letters_only && IsAlpha(rest[sep]) && (IsApostrophe(rest) || dash);
}

}  // namespace

EnglishTsVector::EnglishTsVector(std::string_view stopwords)
    : stemmer_(sb_stemmer_new("english", "UTF_8")) {
  size_t start = 0;
  while (start < stopwords.size()) {
    size_t end = stopwords.find('\n', start);
    if (end == std::string_view::npos) end = stopwords.size();
    std::string_view word = stopwords.substr(start, end - start);
    while (!word.empty() && (word.back() == '\r' || word.back() == ' ')) word.remove_suffix(1);
    if (!word.empty()) stopwords_.insert(Lower(word));
    start = end + 1;
  }
}

EnglishTsVector::~EnglishTsVector() {
  if (stemmer_ != nullptr) sb_stemmer_delete(stemmer_);
}

const std::string* EnglishTsVector::Simple(const std::string& lowered) {
  return &*interned_.insert(lowered).first;
}

const std::string* EnglishTsVector::Lexeme(const std::string& lowered) {
  auto it = cache_.find(lowered);
  if (it != cache_.end()) return it->second;
  const std::string* lexeme = nullptr;
  if (stopwords_.count(lowered) == 0) {
    const sb_symbol* stem = sb_stemmer_stem(
        stemmer_, reinterpret_cast<const sb_symbol*>(lowered.data()), static_cast<int>(lowered.size()));
    // Interned: words with the same stem share one lexeme object.
    lexeme = &*interned_
                   .emplace(reinterpret_cast<const char*>(stem),
                            static_cast<size_t>(sb_stemmer_length(stemmer_)))
                   .first;
  }
  return cache_.emplace(lowered, lexeme).first->second;
}

std::optional<std::string> EnglishTsVector::Compute(std::string_view text) {
  if (stemmer_ == nullptr) return std::nullopt;
  // Lexemes live in the caches, so positions are keyed by pointer; the caches
  // are only trimmed here, between texts.
  if (cache_.size() + interned_.size() >= kMaxCacheEntries) {
    cache_.clear();
    interned_.clear();
  }
  std::unordered_map<const std::string*, std::vector<uint16_t>> lexemes;
  int position = 0;
  auto lower = [this](std::string_view token) -> const std::string& {
    lower_.assign(token);
    for (char& c : lower_) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return lower_;
  };
  // Every token takes a position, stopwords too; simple-dictionary tokens
  // (numbers) are kept as they are.
  auto emit = [&](const std::string* lexeme) {  // null for a stopword
    position = std::min(position + 1, kMaxPosition);
    if (lexeme == nullptr) return;
    std::vector<uint16_t>& positions = lexemes[lexeme];
    if (positions.size() < kMaxPositionsPerLexeme &&
        (positions.empty() || positions.back() != position)) {
      positions.push_back(static_cast<uint16_t>(position));
    }
  };

  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    char c = text[i];
    if (IsAlnum(c)) {
      size_t j = i;
      while (j < n && IsAlnum(text[j])) ++j;
      std::vector<std::string_view> parts = {text.substr(i, j - i)};
      while (j + 1 < n && text[j] == '-' && IsAlnum(text[j + 1])) {
        size_t k = j + 1;
        while (k < n && IsAlnum(text[k])) ++k;
        parts.push_back(text.substr(j + 1, k - j - 1));
        j = k;
      }
      std::string_view token = text.substr(i, j - i);
      if (token.size() > kMaxTokenBytes) return std::nullopt;
      bool letters_only = std::all_of(parts.begin(), parts.end(), AllAlpha);
      if (!SafeBoundary(text.substr(j), letters_only)) return std::nullopt;
      if (parts.size() > 1) {
        // Hyphenated: the compound, then each part (PostgreSQL's
        // asciihword and hword_asciipart). Digits make other token types.
        if (!letters_only) return std::nullopt;
        emit(Lexeme(lower(token)));
        for (std::string_view part : parts) emit(Lexeme(lower(part)));
      } else if (letters_only) {
        emit(Lexeme(lower(token)));
      } else if (AllDigit(token)) {
        if (token.size() > 18) return std::nullopt;
        emit(Simple(lower(token)));  // uint, simple dictionary
      } else {
        // numword ("258th"), simple dictionary. "1e10" would be a float.
        if (IsDigit(token[0])) {
          size_t d = token.find_first_not_of("0123456789");
          if ((token[d] == 'e' || token[d] == 'E') && d + 1 < token.size() && IsDigit(token[d + 1])) {
            return std::nullopt;
          }
        }
        emit(Simple(lower(token)));
      }
      i = j;
      continue;
    }
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    if (IsPlainPunct(c)) {
      // "-2" is a signed number and "-word" may be read with the dash;
      // anything else is a separator.
      if (c == '-' && i + 1 < n && IsAlnum(text[i + 1])) return std::nullopt;
      ++i;
      continue;
    }
    size_t sep = TypographicSeparator(text.substr(i));
    if (sep == 0) return std::nullopt;  // other symbols and non-ASCII letters
    i += sep;
  }

  std::vector<std::pair<const std::string*, const std::vector<uint16_t>*>> sorted;
  sorted.reserve(lexemes.size());
  for (const auto& [lexeme, positions] : lexemes) sorted.emplace_back(lexeme, &positions);
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return *a.first < *b.first; });
  std::string out;
  out.reserve(sorted.size() * 16);
  char number[8];
  for (const auto& [lexeme, positions_ptr] : sorted) {
    const std::vector<uint16_t>& positions = *positions_ptr;
    if (!out.empty()) out.push_back(' ');
    out.push_back('\'');
    out += *lexeme;
    out += "':";
    for (size_t p = 0; p < positions.size(); ++p) {
      if (p > 0) out.push_back(',');
      int len = std::snprintf(number, sizeof number, "%u", static_cast<unsigned>(positions[p]));
      out.append(number, static_cast<size_t>(len));
    }
  }
  return out;
}

}  // namespace broadsheet
