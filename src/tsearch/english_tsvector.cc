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

EnglishTsVector::EnglishTsVector(std::string_view stopwords, size_t max_cache_entries)
    : stemmer_(sb_stemmer_new("english", "UTF_8")), max_cache_entries_(max_cache_entries) {
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

EnglishTsVector::Entry* EnglishTsVector::Intern(std::string_view text) {
  auto it = interned_.find(text);
  if (it != interned_.end()) return it->second;
  Entry& e = entries_.emplace_back();
  e.text.assign(text);
  for (size_t k = 0; k < 8; ++k) {
    e.prefix = (e.prefix << 8) | (k < text.size() ? static_cast<unsigned char>(text[k]) : 0u);
  }
  interned_.emplace(std::string_view(e.text), &e);
  return &e;
}

EnglishTsVector::Entry* EnglishTsVector::Lexeme(const std::string& lowered) {
  auto it = cache_.find(lowered);
  if (it != cache_.end()) return it->second;
  Entry* lexeme = nullptr;
  if (stopwords_.count(lowered) == 0) {
    const sb_symbol* stem = sb_stemmer_stem(
        stemmer_, reinterpret_cast<const sb_symbol*>(lowered.data()), static_cast<int>(lowered.size()));
    // Interned: words with the same stem share one lexeme.
    lexeme = Intern(std::string_view(reinterpret_cast<const char*>(stem),
                                     static_cast<size_t>(sb_stemmer_length(stemmer_))));
  }
  return cache_.emplace(lowered, lexeme).first->second;
}

const std::string& EnglishTsVector::Lowered(std::string_view token) {
  lower_.assign(token);
  for (char& c : lower_) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower_;
}

// Entries are referenced by pointer only within one call, so the caches are
// trimmed between calls.
void EnglishTsVector::TrimCaches() {
  if (cache_.size() + entries_.size() >= max_cache_entries_) {
    cache_.clear();
    interned_.clear();
    entries_.clear();
  }
}

std::string EnglishTsVector::WordLexeme(std::string_view word) {
  if (stemmer_ == nullptr) return std::string();
  TrimCaches();
  const Entry* lexeme = Lexeme(Lowered(word));
  return lexeme != nullptr ? lexeme->text : std::string();
}

std::optional<std::string> EnglishTsVector::Compute(std::string_view text) {
  std::optional<TsVector> vector = Lex(text);
  if (!vector) return std::nullopt;
  return vector->ToText();
}

std::optional<TsVector> EnglishTsVector::Lex(std::string_view text) {
  if (stemmer_ == nullptr) return std::nullopt;
  TrimCaches();
  ++doc_;
  slots_.clear();
  occurrences_.clear();
  int position = 0;
  // Every token takes a position, stopwords too; simple-dictionary tokens
  // (numbers) are kept as they are. A lexeme keeps its first 255 positions.
  auto emit = [&](Entry* lexeme) {  // null for a stopword
    position = std::min(position + 1, kMaxPosition);
    if (lexeme == nullptr) return;
    if (lexeme->doc != doc_) {
      lexeme->doc = doc_;
      lexeme->slot = static_cast<uint32_t>(slots_.size());
      slots_.push_back({lexeme, 0, 0});
    }
    Slot& slot = slots_[lexeme->slot];
    if (slot.count < kMaxPositionsPerLexeme &&
        (slot.count == 0 || slot.last_position != position)) {
      ++slot.count;
      slot.last_position = static_cast<uint16_t>(position);
      occurrences_.emplace_back(lexeme->slot, static_cast<uint16_t>(position));
    }
  };

  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    char c = text[i];
    if (IsAlnum(c)) {
      // A word, or a hyphenated compound of alphanumeric parts.
      size_t j = i;
      while (j < n && IsAlnum(text[j])) ++j;
      bool hyphenated = false;
      while (j + 1 < n && text[j] == '-' && IsAlnum(text[j + 1])) {
        hyphenated = true;
        size_t k = j + 1;
        while (k < n && IsAlnum(text[k])) ++k;
        j = k;
      }
      std::string_view token = text.substr(i, j - i);
      if (token.size() > kMaxTokenBytes) return std::nullopt;
      bool letters_only =
          std::all_of(token.begin(), token.end(), [](char ch) { return IsAlpha(ch) || ch == '-'; });
      if (!SafeBoundary(text.substr(j), letters_only)) return std::nullopt;
      if (hyphenated) {
        // Hyphenated: the compound, then each part (PostgreSQL's
        // asciihword and hword_asciipart). Digits make other token types.
        if (!letters_only) return std::nullopt;
        emit(Lexeme(Lowered(token)));
        for (size_t p = 0; p < token.size();) {
          size_t q = token.find('-', p);
          if (q == std::string_view::npos) q = token.size();
          emit(Lexeme(Lowered(token.substr(p, q - p))));
          p = q + 1;
        }
      } else if (letters_only) {
        emit(Lexeme(Lowered(token)));
      } else if (AllDigit(token)) {
        if (token.size() > 18) return std::nullopt;
        emit(Intern(Lowered(token)));  // uint, simple dictionary
      } else {
        // numword ("258th"), simple dictionary. "1e10" would be a float.
        if (IsDigit(token[0])) {
          size_t d = token.find_first_not_of("0123456789");
          if ((token[d] == 'e' || token[d] == 'E') && d + 1 < token.size() && IsDigit(token[d + 1])) {
            return std::nullopt;
          }
        }
        emit(Intern(Lowered(token)));
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

  // Group positions by lexeme (counting sort on the slot; positions stay in
  // increasing order), then write lexemes in bytewise order.
  std::vector<uint32_t> start(slots_.size() + 1, 0);
  for (size_t k = 0; k < slots_.size(); ++k) start[k + 1] = start[k] + slots_[k].count;
  std::vector<uint16_t> positions(occurrences_.size());
  {
    std::vector<uint32_t> fill(start.begin(), start.end() - 1);
    for (const auto& [slot, pos] : occurrences_) positions[fill[slot]++] = pos;
  }
  std::vector<uint32_t> order(slots_.size());
  for (uint32_t k = 0; k < order.size(); ++k) order[k] = k;
  std::sort(order.begin(), order.end(), [this](uint32_t a, uint32_t b) {
    const Entry& x = *slots_[a].entry;
    const Entry& y = *slots_[b].entry;
    // Bytewise order: the big-endian prefixes decide unless they tie.
    return x.prefix != y.prefix ? x.prefix < y.prefix : x.text < y.text;
  });
  TsVector out;
  for (uint32_t k : order) {
    out.Add(slots_[k].entry->text,
            std::span<const uint16_t>(positions.data() + start[k], start[k + 1] - start[k]));
  }
  return out;
}

std::optional<TsVector> LexWeightedArticle(EnglishTsVector& lexer, std::string_view title,
                                           std::string_view standfirst, std::string_view body) {
  std::optional<TsVector> t = lexer.Lex(title);
  if (!t) return std::nullopt;
  std::optional<TsVector> s = lexer.Lex(standfirst);
  if (!s) return std::nullopt;
  std::optional<TsVector> b = lexer.Lex(body);
  if (!b) return std::nullopt;
  t->SetWeight(TsVector::Weight::kA);
  s->SetWeight(TsVector::Weight::kB);
  return TsVector::Concat(TsVector::Concat(*t, *s), *b);  // the body's weight is D already
}

}  // namespace broadsheet
