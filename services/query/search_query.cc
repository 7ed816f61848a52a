#include "query/search_query.h"

#include <locale.h>
#include <wctype.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "tsearch/english_tsvector.h"

namespace broadsheet {
namespace {

absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

locale_t Utf8Locale() {
  static const locale_t kUtf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return kUtf8;
}

// The code point at s[i] and its length in bytes; 0 for invalid UTF-8.
size_t DecodeUtf8(std::string_view s, size_t i, char32_t* cp) {
  unsigned char lead = static_cast<unsigned char>(s[i]);
  if (lead < 0x80) {
    *cp = lead;
    return 1;
  }
  size_t len = (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  *cp = lead & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    unsigned char next = static_cast<unsigned char>(s[i + k]);
    if ((next & 0xC0) != 0x80) return 0;
    *cp = (*cp << 6) | (next & 0x3F);
  }
  return len;
}

// Adds the lower-cased words of `s` (compounds whole).
void AddWords(std::string_view s, std::vector<std::string>* words) {
  size_t i = 0;
  while (i < s.size()) {
    if (WordCharBytes(s, i) == 0) {
      i += CharBytes(s, i);
      continue;
    }
    size_t end = WordEnd(s, i, /*compounds=*/true);
    words->push_back(absl::AsciiStrToLower(Absl(s.substr(i, end - i))));
    i = end;
  }
}

// Reads an operator value at `*i`: a quoted string or a run of non-spaces.
std::string ReadValue(std::string_view q, size_t* i) {
  if (*i < q.size() && q[*i] == '"') {
    size_t end = q.find('"', *i + 1);
    if (end == std::string_view::npos) end = q.size();
    std::string value(q.substr(*i + 1, end - *i - 1));
    *i = end == q.size() ? end : end + 1;
    return std::string(absl::StripAsciiWhitespace(Absl(value)));
  }
  size_t start = *i;
  while (*i < q.size() && !IsSpace(q[*i])) ++*i;
  return std::string(q.substr(start, *i - start));
}

// Stopwords are plain ASCII words; anything else is indexed (or split).
bool IsStopword(const std::string& word, EnglishTsVector& lexer) {
  bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return absl::ascii_isalpha(static_cast<unsigned char>(c));
  });
  return plain && lexer.WordLexeme(word).empty();
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {  // e.g. the Kelvin sign, whose lower case is "k"
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

ParsedQuery ParseSearchQuery(std::string_view q) {
  ParsedQuery out;
  auto append = [&](std::string_view piece) {
    if (!out.text.empty()) out.text.push_back(' ');
    out.text.append(piece);
  };
  size_t i = 0;
  while (i < q.size()) {
    if (IsSpace(q[i])) {
      ++i;
      continue;
    }
    bool negated = q[i] == '-';
    size_t body = negated ? i + 1 : i;
    if (body < q.size() && q[body] == '"') {  // "phrase" or -"phrase"
      size_t end = q.find('"', body + 1);
      if (end == std::string_view::npos) end = q.size();
      std::string_view phrase = q.substr(body + 1, end - body - 1);
      append(q.substr(i, std::min(end + 1, q.size()) - i));
      if (end == q.size()) out.text.push_back('"');
      AddWords(phrase, negated ? &out.excluded : &out.words);
      i = end == q.size() ? end : end + 1;
      continue;
    }
    {
      std::vector<std::string>* target = nullptr;
      size_t value_at = body;
      if (absl::StartsWithIgnoreCase(Absl(q.substr(body)), "author:")) {
        target = negated ? &out.excluded_authors : &out.authors;
        value_at = body + 7;
      } else if (absl::StartsWithIgnoreCase(Absl(q.substr(body)), "site:")) {
        target = negated ? &out.excluded_sites : &out.sites;
        value_at = body + 5;
      }
      if (target != nullptr && value_at < q.size() && !IsSpace(q[value_at])) {
        size_t j = value_at;
        std::string value = ReadValue(q, &j);
        if (!value.empty()) {
          target->push_back(std::move(value));
          i = j;
          continue;
        }
      }
    }
    size_t start = i;
    while (i < q.size() && !IsSpace(q[i])) ++i;
    std::string_view token = q.substr(start, i - start);
    append(token);
    // websearch_to_tsquery reads "or" in any case as the operator.
    if (negated) {
      AddWords(token, &out.excluded);
    } else if (!absl::EqualsIgnoreCase(Absl(token), "or")) {
      AddWords(token, &out.words);
    }
  }
  return out;
}

std::vector<std::string> IgnoredWords(const std::vector<std::string>& words,
                                      EnglishTsVector& lexer) {
  std::vector<std::string> ignored;
  for (const std::string& word : words) {
    if (IsStopword(word, lexer) && std::find(ignored.begin(), ignored.end(), word) == ignored.end()) {
      ignored.push_back(word);
    }
  }
  return ignored;
}

bool HasSearchableWord(const ParsedQuery& query, EnglishTsVector& lexer) {
  for (const auto* words : {&query.words, &query.excluded}) {
    for (const std::string& word : *words) {
      if (!IsStopword(word, lexer)) return true;
    }
  }
  return false;
}

size_t WordCharBytes(std::string_view s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return absl::ascii_isalnum(c) ? 1 : 0;
  char32_t cp = 0;
  size_t len = DecodeUtf8(s, i, &cp);
  if (len == 0) return 1;
  if (len == 1) return absl::ascii_isalnum(static_cast<unsigned char>(cp)) ? 1 : 0;
  locale_t utf8 = Utf8Locale();
  return utf8 == static_cast<locale_t>(nullptr) || iswalnum_l(static_cast<wint_t>(cp), utf8) ? len : 0;
}

bool IsUtf8CharacterType(std::string_view lc_ctype) {
  const std::string lower =
      absl::AsciiStrToLower(absl::string_view(lc_ctype.data(), lc_ctype.size()));
  return absl::StrContains(lower, "utf-8") || absl::StrContains(lower, "utf8");
}

bool AllLetters(std::string_view word) {
  if (word.empty()) return false;
  locale_t utf8 = Utf8Locale();
  for (size_t i = 0; i < word.size();) {
    const unsigned char c = static_cast<unsigned char>(word[i]);
    if (c < 0x80) {
      if (!absl::ascii_isalpha(c)) return false;
      ++i;
      continue;
    }
    char32_t cp = 0;
    size_t len = DecodeUtf8(word, i, &cp);
    if (len == 0 || utf8 == static_cast<locale_t>(nullptr) ||
        !iswalpha_l(static_cast<wint_t>(cp), utf8)) {
      return false;
    }
    i += len;
  }
  return true;
}

size_t CharBytes(std::string_view s, size_t i) {
  char32_t cp = 0;
  return std::max<size_t>(1, DecodeUtf8(s, i, &cp));
}

size_t WordEnd(std::string_view s, size_t start, bool compounds) {
  size_t i = start;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t n = WordCharBytes(s, i);
      if (n == 0) break;
      i += n;
    } else if (absl::ascii_isalnum(c) ||  // most text: no decoding
               (compounds && c == '-' && i + 1 < s.size() && WordCharBytes(s, i + 1) > 0)) {
      ++i;
    } else {
      break;
    }
  }
  return i;
}

EnglishTsVector* ThreadLexer() {
  thread_local std::unique_ptr<EnglishTsVector> lexer = EnglishTsVector::CreateBuiltin(1 << 15);
  return lexer.get();  // NOLINT(clang-analyzer-cplusplus.NewDelete): freed at thread exit
}

std::string Utf8Lower(std::string_view s) {
  locale_t utf8 = Utf8Locale();
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    size_t len = DecodeUtf8(s, i, &cp);
    if (len == 1) {
      out.push_back(static_cast<char>(absl::ascii_tolower(static_cast<unsigned char>(cp))));
    } else if (len == 0 || utf8 == static_cast<locale_t>(nullptr)) {
      return absl::AsciiStrToLower(absl::string_view(s.data(), s.size()));
    } else {
      AppendUtf8(static_cast<char32_t>(towlower_l(static_cast<wint_t>(cp), utf8)), &out);
    }
    i += std::max<size_t>(len, 1);
  }
  return out;
}

std::string ReplaceWords(std::string_view text, const std::vector<std::string>& from,
                         const std::vector<std::string>& to) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (WordCharBytes(text, i) == 0) {
      size_t n = CharBytes(text, i);
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    size_t end = WordEnd(text, i, /*compounds=*/true);
    std::string_view word = text.substr(i, end - i);
    i = end;
    bool replaced = false;
    for (size_t k = 0; k < from.size() && k < to.size(); ++k) {
      if (absl::EqualsIgnoreCase(Absl(word), from[k])) {
        out += to[k];
        replaced = true;
        break;
      }
    }
    if (!replaced) out.append(word);
  }
  return out;
}

}  // namespace broadsheet
