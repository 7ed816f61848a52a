#include "query/snippet.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "query/article_reader.h"
#include "query/search_query.h"

namespace broadsheet {
namespace {

constexpr int kMaxWords = 30;      // per passage, as ts_headline's MaxWords
constexpr int kMaxPassages = 2;
constexpr int kWordsBeforeMatch = 6;  // context kept ahead of a passage's first match
constexpr char kPassageSeparator[] = " \xe2\x80\xa6 ";  // " … "

struct Word {
  size_t begin, end;  // byte range in the text
  int lexeme;         // index in the lexemes looked for, or -1
  bool match;
};

// PostgreSQL's snowball dictionary leaves longer words unstemmed.
constexpr size_t kMaxStemmedBytes = 1000;

// Every word of `text` (split as the query's words are, compounds in their
// parts, as PostgreSQL also indexes them), with the index of its lexeme
// among `lexemes` (-1 when none); `match` is set for those among the first
// `anywhere`.
std::vector<Word> Words(std::string_view text, const std::vector<std::string>& lexemes,
                        size_t anywhere, EnglishTsVector& lexer) {
  // Snowball's English stemmer keeps a word's first letter, so only words
  // starting like some lexeme need stemming (most of a text does not).
  bool first_letters[256] = {};
  for (const std::string& l : lexemes) {
    if (!l.empty()) first_letters[static_cast<unsigned char>(l[0])] = true;
  }
  std::vector<Word> words;
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80 ? !absl::ascii_isalnum(c) : WordCharBytes(text, i) == 0) {
      i += c < 0x80 ? 1 : CharBytes(text, i);
      continue;
    }
    size_t j = WordEnd(text, i, /*compounds=*/false);
    std::string_view token = text.substr(i, j - i);
    bool ascii_letters = true;
    for (char b : token) {
      ascii_letters = ascii_letters && absl::ascii_isalpha(static_cast<unsigned char>(b));
    }
    // Words of letters are stemmed, as PostgreSQL's english configuration
    // does ("cafés" -> "café"); numbers and words mixing letters and digits
    // are only lower-cased (its simple dictionary). A capital beyond ASCII
    // may lower-case to another lead byte: such words are always looked at.
    const unsigned char first = static_cast<unsigned char>(token[0]);
    std::string lexeme;
    if (first < 0x80 && !first_letters[static_cast<unsigned char>(absl::ascii_tolower(first))]) {
      // Cannot match: no lexeme starts with this letter.
    } else if (ascii_letters && token.size() <= kMaxStemmedBytes) {
      lexeme = lexer.WordLexeme(token);
    } else {
      lexeme = Utf8Lower(token);
      // The stemmer keeps the first letter: stem only a word that could match.
      if (!lexeme.empty() && first_letters[static_cast<unsigned char>(lexeme[0])] &&
          lexeme.size() <= kMaxStemmedBytes && AllLetters(token)) {
        lexeme = lexer.WordLexeme(lexeme);
      }
    }
    auto found = lexeme.empty() ? lexemes.end() : std::find(lexemes.begin(), lexemes.end(), lexeme);
    int index = found == lexemes.end() ? -1 : static_cast<int>(found - lexemes.begin());
    words.push_back({i, j, index, index >= 0 && static_cast<size_t>(index) < anywhere});
    i = j;
  }
  return words;
}

// The text of words [first, last], newlines as spaces, matches marked.
void AppendPassage(std::string_view text, const std::vector<Word>& words, size_t first,
                   size_t last, std::string* out) {
  size_t at = words[first].begin;
  for (size_t w = first; w <= last; ++w) {
    out->append(text.substr(at, words[w].begin - at));
    if (words[w].match) out->append(kHighlightStart);
    out->append(text.substr(words[w].begin, words[w].end - words[w].begin));
    if (words[w].match) out->append(kHighlightStop);
    at = words[w].end;
  }
  // Keep a sentence's closing punctuation.
  if (at < text.size() && (text[at] == '.' || text[at] == '?' || text[at] == '!')) {
    out->push_back(text[at]);
  }
}

}  // namespace

QueryTerms PositiveQueryTerms(std::string_view q) {
  QueryTerms out;
  std::vector<std::pair<std::string, int>> chain;  // lexemes joined by <N>
  bool chain_negated = false;
  auto close_chain = [&] {
    if (chain.size() == 1 && !chain_negated &&
        std::find(out.words.begin(), out.words.end(), chain[0].first) == out.words.end()) {
      out.words.push_back(chain[0].first);
    } else if (chain.size() > 1 && !chain_negated) {
      out.phrases.push_back(chain);
    }
    chain.clear();
  };
  std::vector<bool> groups;  // open parentheses: negated?
  bool negate_next = false;
  int distance = 0;  // of a pending <N>
  size_t i = 0;
  while (i < q.size()) {
    char c = q[i];
    if (c == '\'') {
      std::string lexeme;
      size_t j = i + 1;
      while (j < q.size()) {
        if (q[j] == '\'') {
          if (j + 1 < q.size() && q[j + 1] == '\'') {  // '' is a quote
            lexeme.push_back('\'');
            j += 2;
            continue;
          }
          break;
        }
        if (q[j] == '\\' && j + 1 < q.size()) ++j;
        lexeme.push_back(q[j++]);
      }
      i = j + 1;
      while (i < q.size() && (q[i] == ':' || q[i] == '*' || absl::ascii_isalpha(q[i]))) ++i;
      bool negated = negate_next || std::find(groups.begin(), groups.end(), true) != groups.end();
      negate_next = false;
      if (distance > 0 && !chain.empty()) {
        chain.emplace_back(std::move(lexeme), chain.back().second + distance);
      } else {
        close_chain();
        chain_negated = negated;
        chain.emplace_back(std::move(lexeme), 0);
      }
      distance = 0;
      continue;
    }
    if (c == '<') {  // <-> or <N>
      size_t end = q.find('>', i);
      if (end == std::string_view::npos) break;
      std::string_view n = q.substr(i + 1, end - i - 1);
      distance = n == "-" ? 1 : std::max(1, std::atoi(std::string(n).c_str()));
      i = end + 1;
      continue;
    }
    if (c == '!') negate_next = true;
    if (c == '(') {
      close_chain();
      groups.push_back(negate_next);
      negate_next = false;
    }
    if (c == ')' && !groups.empty()) {
      close_chain();
      groups.pop_back();
    }
    if (c == '&' || c == '|') close_chain();
    ++i;
  }
  close_chain();
  return out;
}

std::string BuildSnippet(std::string_view text, const std::vector<std::string>& lexemes,
                         EnglishTsVector& lexer) {
  return BuildSnippet(text, QueryTerms{lexemes, {}}, lexer);
}

std::string BuildSnippet(std::string_view text, const QueryTerms& terms, EnglishTsVector& lexer) {
  // Lone lexemes first, then the phrases' (which match only in place).
  std::vector<std::string> lexemes = terms.words;
  for (const auto& phrase : terms.phrases) {
    for (const auto& [lexeme, offset] : phrase) {
      if (std::find(lexemes.begin(), lexemes.end(), lexeme) == lexemes.end()) lexemes.push_back(lexeme);
    }
  }
  std::vector<Word> words = Words(text, lexemes, terms.words.size(), lexer);
  for (const auto& phrase : terms.phrases) {
    std::vector<int> want;
    want.reserve(phrase.size());
    for (const auto& [lexeme, offset] : phrase) {
      want.push_back(static_cast<int>(std::find(lexemes.begin(), lexemes.end(), lexeme) - lexemes.begin()));
    }
    for (size_t w = 0; w + static_cast<size_t>(phrase.back().second) < words.size(); ++w) {
      bool whole = true;
      for (size_t k = 0; k < phrase.size() && whole; ++k) {
        whole = words[w + static_cast<size_t>(phrase[k].second)].lexeme == want[k];
      }
      if (!whole) continue;
      for (const auto& [lexeme, offset] : phrase) words[w + static_cast<size_t>(offset)].match = true;
    }
  }
  std::string out;
  if (words.empty()) return out;
  const int n = static_cast<int>(words.size());
  // Prefix sums of matches: a window's score in O(1).
  std::vector<int> matches_before(n + 1, 0);
  for (int w = 0; w < n; ++w) matches_before[w + 1] = matches_before[w] + words[w].match;
  std::vector<std::pair<int, int>> passages;  // [first, last] word indices
  if (matches_before[n] == 0) {
    passages.emplace_back(0, std::min(n, kMaxWords) - 1);
  } else {
    std::vector<bool> used(n, false);
    for (int p = 0; p < kMaxPassages; ++p) {
      // The window starting a little before a match that holds the most
      // matches; windows may not overlap an earlier passage.
      int best_first = -1;
      int best_score = 0;
      for (int w = 0; w < n; ++w) {
        if (!words[w].match || used[w]) continue;
        int first = std::max(0, w - kWordsBeforeMatch);
        while (used[first]) ++first;
        int last = std::min(n - 1, first + kMaxWords - 1);
        for (int k = first; k <= last; ++k) {
          if (used[k]) {
            last = k - 1;
            break;
          }
        }
        int score = matches_before[last + 1] - matches_before[first];
        if (score > best_score) {
          best_score = score;
          best_first = first;
        }
      }
      if (best_first < 0) break;
      int last = best_first;
      while (last + 1 < n && last + 1 - best_first < kMaxWords && !used[last + 1]) ++last;
      for (int k = best_first; k <= last; ++k) used[k] = true;
      passages.emplace_back(best_first, last);
    }
    std::sort(passages.begin(), passages.end());
  }
  for (size_t p = 0; p < passages.size(); ++p) {
    if (p > 0) out.append(kPassageSeparator);
    AppendPassage(text, words, static_cast<size_t>(passages[p].first),
                  static_cast<size_t>(passages[p].second), &out);
  }
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

}  // namespace broadsheet
