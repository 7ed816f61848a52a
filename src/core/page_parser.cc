#include "core/page_parser.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/article_id.h"
#include "core/date_line.h"
#include "core/language.h"
#include "core/simhash_internal.h"
#include "core/text_util.h"

namespace broadsheet {

std::string_view RejectReasonName(RejectReason reason) {
  switch (reason) {
    case RejectReason::kEmptyPage:
      return "EMPTY_PAGE";
    case RejectReason::kInvalidUtf8:
      return "INVALID_UTF8";
    case RejectReason::kBinaryData:
      return "BINARY_DATA";
    case RejectReason::kPageTooLarge:
      return "PAGE_TOO_LARGE";
    case RejectReason::kNoArticleFound:
      return "NO_ARTICLE_FOUND";
    case RejectReason::kMalformedRecord:
      return "MALFORMED_RECORD";
  }
  return "UNKNOWN";
}

namespace {

// What a block is, from the profile rules and layout.
enum class Kind : uint8_t {
  kText,
  kDrop,
  kMarker,
  kCredit,
  kBio,
  kByline,
  kCommentHeader,
  kComment,
  kSiteHeader,
  kAuthorBoxName,
  kAuthorBoxBio,
};

// jusText-style content class from length and stopword density.
enum class Cls : uint8_t { kBad, kShort, kNearGood, kGood };

// One paragraph-like unit: a line, or a bullet item with its wrapped lines.
struct Block {
  uint32_t begin = 0, len = 0;  // folded text in the arena
  uint32_t words = 0, stops = 0, tokens = 0;
  uint32_t hash_begin = 0, hash_count = 0;  // SimHash word hashes in word_hashes_
  uint16_t sentences = 0;  // sentence ends inside the block (not the last)
  uint8_t bullet = 0;      // 0 none, 1 bullet, 2 sub-bullet
  bool indented = false;
  bool wrapped = false;
  bool table_row = false;  // cells separated by tabs (a table as crawls render it)
  bool ends_punct = false;
  Kind kind = Kind::kText;
  Cls cls = Cls::kBad;
  bool good = false;        // good after neighbour context
  bool used = false;        // consumed by an article, comment or site header
  std::string_view rule;    // rule name for dropped blocks
  std::string_view name, caption, credit;
};

// Tunables of the block classifier (jusText defaults where they exist).
constexpr uint32_t kLengthLow = 70;
constexpr uint32_t kLengthHigh = 200;
constexpr double kStopwordsLow = 0.30;
constexpr double kStopwordsHigh = 0.32;
constexpr int kMaxGap = 4;             // non-content blocks tolerated inside a body
constexpr size_t kMaxUnmarkedListItems = 12;
constexpr uint32_t kMaxBioChars = 400;
// Pull quotes: a sentence or two, at least a few words.
constexpr uint32_t kMaxPullQuoteChars = 300;
constexpr size_t kMinPullQuoteChars = 24;
constexpr uint32_t kMaxCaptionChars = 300;
constexpr uint32_t kMaxConsentChars = 1000;
constexpr size_t kMaxContentsEntries = 20;
constexpr size_t kMaxRecipeLines = 40;
constexpr uint32_t kMinLetterChars = 80;  // a letter's last paragraph, over its signature
constexpr uint32_t kMinLetterTokens = 15;
constexpr uint32_t kMaxRecipeLineChars = 400;
constexpr uint32_t kMinArticleTokens = 30;
// One-sentence paragraphs (ApplyContext): how many in a row, and how much
// text together, make body text.
constexpr size_t kMinSentenceRun = 5;
constexpr size_t kMinSentenceRunChars = 250;
// CLD2 costs a few microseconds per call plus ~25 ns per byte, as much as the
// rest of the parser per page, so it sees bounded samples: one call per page
// over a sample of every article, and per-article calls only on pages whose
// sample mixes languages. ~40 words are plenty for CLD2 on prose.
constexpr size_t kPageLanguageSample = 288;
constexpr size_t kMinArticleLanguageSample = 96;
constexpr size_t kArticleLanguageSample = 288;
constexpr int kOneLanguagePercent = 90;
constexpr uint32_t kProseChars = 250;
// A first paragraph longer than this is the lede, not a standfirst, unless
// the profile says standfirsts are always there: standfirsts are one short
// sentence, news ledes a long one.
constexpr uint32_t kMaxAutoStandfirstChars = 180;
// A sentence of at least this many words after a byline, about as long as
// the paragraph after it, opens the body.
constexpr uint32_t kMinLedeTokens = 20;
constexpr size_t kArenaPad = text::kMaxKeyBytes;

// Bullet mark at the start of `s` (already trimmed): returns its byte length
// and level, or 0.
size_t BulletMark(std::string_view s, bool after_bullet, uint8_t* level) {
  auto u = [&](size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : 0; };
  size_t mark = 0;
  *level = 1;
  if (u(0) == 0xE2) {
    const unsigned char b1 = u(1), b2 = u(2);
    // One branch per mark, read as a table: some share their outcome.
    // NOLINTBEGIN(bugprone-branch-clone)
    if (b1 == 0x80 && (b2 == 0xA2 || b2 == 0xA3)) mark = 3;       // • ‣
    else if (b1 == 0x97 && b2 == 0xA6) mark = 3, *level = 2;      // ◦
    else if (b1 == 0x96 && (b2 == 0xAA || b2 == 0xA0)) mark = 3;  // ▪ ■
    else if (b1 == 0x97 && b2 == 0x8F) mark = 3;                  // ●
    else if (b1 == 0x80 && b2 == 0x93 && text::SpaceLen(s, 3) != 0) mark = 3;  // "– "
    // NOLINTEND(bugprone-branch-clone)
  } else if ((u(0) == '-' || u(0) == '*') && text::SpaceLen(s, 1) != 0) {
    mark = 1;
  } else if (u(0) == 'o' && after_bullet && s.size() > 1 && text::SpaceLen(s, 1) != 0) {
    mark = 1, *level = 2;  // "o" sub-bullets as word processors export them
  }
  if (mark == 0) return 0;
  // Must be followed by whitespace then text.
  if (mark < s.size() && text::SpaceLen(s, mark) == 0 && u(0) != 0xE2) return 0;
  if (text::Trim(s.substr(mark)).empty()) return 0;
  return mark;
}

bool EndsWithSentencePunct(std::string_view s) {
  // Step back over closing quotes and brackets.
  while (!s.empty()) {
    const auto c = static_cast<unsigned char>(s.back());
    if (c == '"' || c == '\'' || c == ')' || c == ']') {
      s.remove_suffix(1);
    } else if (s.size() >= 3 && static_cast<unsigned char>(s[s.size() - 3]) == 0xE2 &&
               static_cast<unsigned char>(s[s.size() - 2]) == 0x80 &&
               (c == 0x99 || c == 0x9D)) {
      s.remove_suffix(3);  // ’ ”
    } else {
      break;
    }
  }
  if (s.empty()) return false;
  const char c = s.back();
  if (c == '.' || c == '!' || c == '?') return true;
  return s.size() >= 3 && s.substr(s.size() - 3) == "\xE2\x80\xA6";  // …
}

// Everything Parse() needs while working on one page.
class PageWork {
 public:
  // `site_from_profile`: the profile was chosen by the page's URL, so its
  // fixed site (if any) names the page when the page has no header line.
  PageWork(std::string_view text, const Profile& profile, bool site_from_profile,
           const ParseOptions& options, std::optional<int64_t> fetched_at)
      : text_(text),
        profile_(profile),
        site_from_profile_(site_from_profile),
        options_(options),
        fetched_at_(fetched_at) {}

  ParseResult Run();
  // Run(), then the blocks as PageParser::Explain() describes them.
  std::string Explain();

 private:
  std::string_view Text(const Block& b) const { return {arena_.data() + b.begin, b.len}; }
  void SplitBlocks();
  bool JoinsDropCapital(std::string_view content);
  void Measure(Block* b);
  bool StartsWithStopword(std::string_view s) const;
  // Whether any word of `s` is a stopword ("Around The Web" is no name).
  bool HasStopword(std::string_view s) const;
  // "Margaret Yeoh, Hexton" -> "Margaret Yeoh": a name, a comma and a place.
  std::optional<std::string_view> NameCommaPlace(std::string_view s) const;
  // Two or more names, or names with their roles, as a byline without "By":
  // "Fiona Drummond and Callum Reid", "Rachel Lin, Transport correspondent,
  // and Sam Okafor" -> the names as "A and B" / "A, B and C" (kept in
  // owned_names_), or nullopt. Without a role at least two names.
  std::optional<std::string_view> NamesWithoutBy(std::string_view s, bool need_role);
  void ApplyRules();
  // A cookie consent banner's text and heading, found by its buttons.
  void DropConsentBanners();
  // The site's name alone on the page's first line, over its menu.
  void FindMasthead();
  // A gallery's captions under their "2 of 4" counters become image
  // credits; a table of contents is dropped and its entries remembered, a
  // review's pros, cons and specifications dropped, a recipe's ingredients
  // and steps made list items.
  void MarkGalleriesAndContents();
  void DropAboutTheCompany();
  void Classify(bool use_stopwords);
  void ApplyContext();
  bool TeasersFollow(size_t heading, size_t end) const;
  bool TitleLike(size_t i, bool after_marker) const;
  bool StandfirstLike(size_t i) const;
  // A section label over the headline ("Local News" / "Brush fire forces
  // evacuations near ..."): one or two capitalised words, a short line in
  // capitals, or a news
  // ticker's "BREAKING: ..." item, over a long line that does not end like
  // a sentence, which is then the title.
  bool IsKicker(size_t label, size_t headline) const;
  bool ConfirmedBio(size_t k, size_t seg_end) const;
  // "Saltmarsh Weekly is published every Thursday by ...": the colophon
  // names the site (its header, or the page's first line), not an author.
  bool NamesTheSite(std::string_view name) const;
  // The stopwords among the block's words (Measure counts them only for
  // blocks of at least kLengthLow bytes).
  uint32_t CountStops(const Block& b) const;
  // Whether site navigation lies strictly between blocks `from` and `to`.
  bool NavigationBetween(size_t from, size_t to) const;
  // Whether a live page's entry time ("14:52") lies right before `to`,
  // after `from`.
  bool EntryTimeBetween(size_t from, size_t to) const;
  void Drop(size_t i);
  void ProcessSegment(size_t begin, size_t end);
  // A list without bullet marks inside a body ("Areas affected" /
  // "Bramblegate" / "Hollins Cross" / ...): from `from`, three to
  // kMaxUnmarkedListItems short lines (at most four words, no sentence)
  // with a good paragraph right after them. Returns that paragraph's
  // index, or 0. (Headlines of other stories are longer than list items.)
  size_t UnmarkedListEnd(size_t from, size_t end) const;
  void Leftovers(size_t begin, size_t end);
  // A quoted line repeating words of a longer paragraph of the same story
  // is a pull quote, set in large type beside the text: dropped, once; so
  // is an embedded video's title.
  void DropPullQuotes(std::vector<size_t>* body);
  // An embedded video's title ("Watch: Drone footage shows ...") right over
  // its player's furniture ("Duration 1:02", "Now Playing").
  bool IsVideoTitle(size_t i) const;
  // Whether a byline or date line lies strictly between blocks `from` and `to`.
  bool StoryMetaBetween(size_t from, size_t to) const;
  // The comment in block i, with its author and time from the lines above it.
  Comment CommentAt(size_t i) const;
  void SetImage(Article* a, const Block& b);
  bool TitleLikeBefore(const std::vector<size_t>& lead_text, size_t limit) const;
  void TakeCaptionAfterCredit(std::vector<size_t>* lead_text);
  void TakeBareNameByline(std::vector<size_t>* lead_text, size_t body_start);
  std::optional<size_t> TakeOpeningQuestion(std::vector<size_t>* lead_text);
  void DropBoxUnderByline(std::vector<size_t>* lead_text, size_t lead_start, size_t body_start);
  void DetectLanguages();

  std::string_view text_;
  const Profile& profile_;
  const bool site_from_profile_;
  const ParseOptions& options_;
  const std::optional<int64_t> fetched_at_;  // Unix seconds; "2 hours ago" counts from it
  std::vector<std::string_view> contents_;   // table-of-contents entries (crossheads)
  std::deque<std::string> owned_names_;      // block names not in the arena (stable addresses)
  std::string arena_;     // folded blocks, then kArenaPad zero bytes
  size_t arena_len_ = 0;  // bytes of folded text in arena_
  std::vector<Block> blocks_;
  // SimHash hashes of every block's words, made while measuring the block, so
  // that fingerprints need no second pass over the article text.
  std::unique_ptr<uint64_t[]> word_hashes_;
  size_t word_hashes_len_ = 0;
  ParsedPage page_;
};

void PageWork::SplitBlocks() {
  // Folding never lengthens text, so the arena never reallocates; the zeroed
  // tail lets Measure() load 16 bytes at any word start.
  arena_.assign(text_.size() + kArenaPad, '\0');
  char* const arena = arena_.data();
  const char* p = text_.data();
  const char* const end = p + text_.size();
  bool blank_before = true;
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
    if (nl == nullptr) nl = end;
    std::string_view line(p, nl - p);
    p = nl + 1;
    const size_t lead = text::LeadingSpace(line);
    std::string_view content = text::Trim(line.substr(lead));
    if (content.empty()) {
      blank_before = true;
      continue;
    }
    const bool prev_bullet = !blocks_.empty() && !blank_before && blocks_.back().bullet != 0;
    uint8_t level = 0;
    const size_t mark = BulletMark(content, prev_bullet, &level);
    // An indented line under an indented bullet item continues that item
    // (reader comments wrap this way).
    if (mark == 0 && lead > 0 && !blank_before && !blocks_.empty() && blocks_.back().bullet != 0 &&
        blocks_.back().indented && blocks_.back().begin + blocks_.back().len == arena_len_) {
      Block& b = blocks_.back();
      arena[arena_len_++] = ' ';
      arena_len_ += text::FoldInto(content, arena + arena_len_);
      b.len = static_cast<uint32_t>(arena_len_ - b.begin);
      b.wrapped = true;
      continue;
    }
    if (mark == 0 && JoinsDropCapital(content)) {
      blank_before = false;
      continue;
    }
    Block b;
    if (mark != 0) {
      b.bullet = level;
      content = text::Trim(content.substr(mark));
    }
    b.indented = lead > 0;
    // Crawled tables keep their cells tab-separated: two tabs and a figure
    // make a row (a menu has no figures).
    if (const void* tab = std::memchr(content.data(), '\t', content.size())) {
      const char* next = static_cast<const char*>(tab) + 1;
      b.table_row = std::memchr(next, '\t', content.data() + content.size() - next) != nullptr &&
                    std::any_of(content.begin(), content.end(),
                                [](char ch) { return ch >= '0' && ch <= '9'; });
    }
    b.begin = static_cast<uint32_t>(arena_len_);
    arena_len_ += text::FoldInto(content, arena + arena_len_);
    b.len = static_cast<uint32_t>(arena_len_ - b.begin);
    blocks_.push_back(b);
    blank_before = false;
  }
}

// A drop capital crawled onto its own line ("T" / "he river was ...")
// belongs to the paragraph under it. "A" and "I" are also words: the letter
// is glued to the next word only when that makes a stopword ("A" + "fter"),
// otherwise it stands before it ("I" + "was").
bool PageWork::JoinsDropCapital(std::string_view content) {
  if (blocks_.empty() || content.empty() || content[0] < 'a' || content[0] > 'z') return false;
  const Block& prev = blocks_.back();
  if (prev.len != 1 || prev.bullet != 0 || prev.begin + 1 != arena_len_) return false;
  const char letter = arena_[prev.begin];
  if (letter < 'A' || letter > 'Z') return false;
  bool glued = true;
  if (letter == 'A' || letter == 'I') {
    size_t word_end = 0;
    while (word_end < content.size() &&
           text::IsWordByte(static_cast<unsigned char>(content[word_end]))) {
      ++word_end;
    }
    glued = StartsWithStopword(std::string(1, letter) + std::string(content.substr(0, word_end)));
  }
  if (!glued) arena_[arena_len_++] = ' ';
  arena_len_ += text::FoldInto(content, arena_.data() + arena_len_);
  blocks_.back().len = static_cast<uint32_t>(arena_len_ - prev.begin);
  return true;
}

void PageWork::Measure(Block* b) {
  const std::string_view s = Text(*b);
  uint32_t stops = 0, spaces = 0, sentences = 0;
  uint64_t punct_carry = 0;  // the previous window ended with . ! or ?
  // Blocks under kLengthLow are kShort whatever their stopword density
  // (ApplyContext counts them for runs of short sentences, rare enough).
  const bool count_stops = b->len >= kLengthLow;
  // Folded text holds no Unicode spaces, so the measure and SimHash word
  // rules differ only at 0xE2 sequences: without one, the measure's words
  // are the SimHash tokens and are hashed here.
  const bool same_words = std::memchr(s.data(), 0xE2, s.size()) == nullptr;
  uint64_t* const hashes = word_hashes_.get() + word_hashes_len_;
  uint64_t* h = hashes;
  // Text(*b) lies in the arena, whose zeroed tail makes 16-byte loads at any
  // word start safe.
  const size_t words = text::ForEachWord(
      s, text::WordRule::kMeasure,
      [&](size_t begin, size_t end) {
        const size_t len = end - begin;
        if (len <= text::kMaxKeyBytes) {
          const text::WordKey key = text::MakeWordKeyPadded(s.data() + begin, len);
          if (count_stops && profile_.IsStopword(key)) ++stops;
          if (same_words) *h++ = simhash_internal::WordHashOfKey(key, len);
        } else if (same_words) {
          *h++ = simhash_internal::WordHash(s.data() + begin, len, /*padded=*/true);
        }
      },
      [&](const text::Window& w) {
        spaces += static_cast<uint32_t>(__builtin_popcountll(w.space));
        sentences += static_cast<uint32_t>(
            __builtin_popcountll(w.space & ((w.end_punct << 1) | punct_carry)));
        punct_carry = w.end_punct >> 63;
      });
  if (!same_words) {
    text::ForEachWord(
        s, text::WordRule::kSimHash,
        [&](size_t begin, size_t end) {
          *h++ = simhash_internal::WordHash(s.data() + begin, end - begin, /*padded=*/true);
        },
        [](const text::Window&) {});
  }
  b->hash_begin = static_cast<uint32_t>(word_hashes_len_);
  b->hash_count = static_cast<uint32_t>(h - hashes);
  word_hashes_len_ += b->hash_count;
  b->words = static_cast<uint32_t>(words);
  b->stops = stops;
  b->tokens = s.empty() ? 0 : spaces + 1;
  b->sentences = static_cast<uint16_t>(std::min<uint32_t>(sentences, 0xFFFF));
  b->ends_punct = EndsWithSentencePunct(s);
}

uint32_t PageWork::CountStops(const Block& b) const {
  if (b.len >= kLengthLow) return b.stops;  // counted by Measure
  const std::string_view s = Text(b);
  uint32_t stops = 0;
  text::ForEachWord(
      s, text::WordRule::kMeasure,
      [&](size_t begin, size_t end) {
        const size_t len = end - begin;
        if (len <= text::kMaxKeyBytes &&
            profile_.IsStopword(text::MakeWordKeyPadded(s.data() + begin, len))) {
          ++stops;
        }
      },
      [](const text::Window&) {});
  return stops;
}

bool PageWork::HasStopword(std::string_view s) const {
  for (size_t i = 0; i < s.size();) {
    while (i < s.size() && !text::IsWordByte(static_cast<unsigned char>(s[i]))) ++i;
    size_t end = i;
    while (end < s.size() && text::IsWordByte(static_cast<unsigned char>(s[end]))) ++end;
    if (end > i && profile_.IsStopword(text::MakeWordKey(s.substr(i, end - i)))) return true;
    i = end;
  }
  return false;
}

bool PageWork::StartsWithStopword(std::string_view s) const {
  size_t end = 0;
  while (end < s.size() && text::IsWordByte(static_cast<unsigned char>(s[end]))) ++end;
  return profile_.IsStopword(text::MakeWordKey(s.substr(0, end)));
}

// "TOKYO (Kyodo) -- ...", "LONDON, March 4 (Reuters) - ...", "PARIS — ...":
// a wire story's first paragraph, never its standfirst.
bool OpensWithWireDateline(std::string_view s) {
  size_t i = 0, capitals = 0;
  for (; i < s.size(); ++i) {
    if (s[i] >= 'A' && s[i] <= 'Z') {
      ++capitals;
    } else if (s[i] != ' ' && s[i] != '.' && s[i] != '\'') {
      break;
    }
  }
  if (capitals < 3 || i == s.size() ||
      (s[i] != '(' && s[i] != ',' && s[i] != '-' && s[i] != '\xe2')) {
    return false;
  }
  if (s.substr(i).starts_with("--(")) return true;  // "DENVER--(BUSINESS WIRE)--"
  constexpr size_t kMaxPlaceAndAgency = 48;         // ", March 4 (Reuters)"
  const std::string_view rest = s.substr(i > 0 ? i - 1 : 0, kMaxPlaceAndAgency);
  for (std::string_view dash : {" -- ", " - ", " \xe2\x80\x94 ", " \xe2\x80\x93 "}) {
    if (rest.find(dash) != std::string_view::npos) return true;
  }
  return false;
}

// Given names that are also stopwords of some language ("Will Hutton",
// "May Bulman", "Per Olsen"): an author line may start with one.
bool StartsWithGivenName(std::string_view s) {
  static constexpr std::array<std::string_view, 7> kNames = {"Al ",  "Dan ", "Les ", "May ",
                                                             "Non ", "Per ", "Will "};
  return std::any_of(kNames.begin(), kNames.end(),
                     [&](std::string_view n) { return s.substr(0, n.size()) == n; });
}

// "ANNEKE VOS Associated Press" -> "ANNEKE VOS", "Jane Roe, Reuters" ->
// "Jane Roe": the news agency a wire byline names after the reporter. A
// one-word agency that is also a surname ("Michael Bloomberg") goes only
// after a comma or an all-capitals name.
std::string_view StripAgency(std::string_view name) {
  static constexpr std::array<std::string_view, 3> kAlways = {
      " Associated Press", " Press Association", " Agence France-Presse"};
  static constexpr std::array<std::string_view, 5> kAfterCommaOrCaps = {" Reuters", " Bloomberg",
                                                                        " AFP", " AP", " PA"};
  auto strip = [&](std::string_view agency) {
    std::string_view rest = name.substr(0, name.size() - agency.size());
    if (rest.ends_with(',')) rest.remove_suffix(1);
    return text::Trim(rest);
  };
  for (std::string_view agency : kAlways) {
    if (name.size() > agency.size() + 2 && name.ends_with(agency)) return strip(agency);
  }
  for (std::string_view agency : kAfterCommaOrCaps) {
    if (name.size() <= agency.size() + 2 || !name.ends_with(agency)) continue;
    const std::string_view rest = name.substr(0, name.size() - agency.size());
    const bool caps =
        std::none_of(rest.begin(), rest.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    if (rest.ends_with(',') || caps) return strip(agency);
  }
  return name;
}

// "Jane Smith MP" -> "Jane Smith": drops trailing all-capital post-nominals.
std::string_view StripPostNominals(std::string_view name) {
  // An all-capitals byline ("By KERRY DALE") has no post-nominals to tell.
  if (std::none_of(name.begin(), name.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
    return name;
  }
  while (true) {
    const size_t sp = name.rfind(' ');
    if (sp == std::string_view::npos) return name;
    const std::string_view last = name.substr(sp + 1);
    const bool caps = last.size() >= 2 && last.size() <= 4 &&
                      std::all_of(last.begin(), last.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    if (!caps) return name;
    name = text::Trim(name.substr(0, sp));
    if (!name.empty() && name.back() == ',') name.remove_suffix(1);
  }
}

// `min`..`max` words, each capitalised, no digits or sentence punctuation.
bool CapitalisedWords(std::string_view s, int min, int max);

// Bare "Firstname Lastname" line, as author boxes print them.
bool NameLike(std::string_view s) { return CapitalisedWords(s, 2, 4); }

bool CapitalisedWords(std::string_view s, int min, int max) {
  if (s.empty() || s.size() > 50) return false;
  int words = 0;
  bool word_start = true;
  for (unsigned char c : s) {
    if (c == ' ') {
      word_start = true;
      continue;
    }
    if ((c >= '0' && c <= '9') || c == ',' || c == ':' || c == ';' || c == '!' || c == '?' ||
        c == '|' || c == '(' || c == '@') {
      return false;
    }
    if (word_start) {
      if (!((c >= 'A' && c <= 'Z') || c >= 0xC0)) return false;
      ++words;
      word_start = false;
    }
  }
  return words >= min && words <= max && s.back() != '.';
}

std::string_view QuotedCore(std::string_view s);

std::optional<std::string_view> PageWork::NameCommaPlace(std::string_view s) const {
  const size_t comma = s.find(", ");
  if (comma == std::string_view::npos || s.size() > 60) return std::nullopt;
  const std::string_view name = s.substr(0, comma);
  const std::string_view place = s.substr(comma + 2);
  if (!NameLike(name) || HasStopword(name) || !CapitalisedWords(place, 1, 3)) return std::nullopt;
  return name;
}

std::optional<std::string_view> PageWork::NamesWithoutBy(std::string_view s, bool need_role) {
  if (s.size() > 120 || EndsWithSentencePunct(s)) return std::nullopt;
  std::vector<std::string_view> names;
  bool role = false, capitalised_role = false, last_was_name = false;
  while (!s.empty()) {
    // The next part ends at ", and ", " and ", " & " or ", ".
    size_t cut = std::string_view::npos, skip = 0;
    for (std::string_view sep : {", and ", " and ", " & ", ", "}) {
      const size_t at = s.find(sep);
      if (at != std::string_view::npos && (at < cut || (at == cut && sep.size() > skip))) {
        cut = at;
        skip = sep.size();
      }
    }
    const std::string_view part = s.substr(0, cut);
    s = cut == std::string_view::npos ? std::string_view() : s.substr(cut + skip);
    if (cut != std::string_view::npos && s.empty()) return std::nullopt;
    if (NameLike(part) && !HasStopword(part)) {
      names.push_back(part);
      last_was_name = true;
    } else if (last_was_name && part.size() <= Profile::kMaxBylineRoleChars &&
               !part.starts_with("a ") && !part.starts_with("an ") && !part.starts_with("the ") &&
               profile_.MatchesBylineRole(part)) {
      // ("Sarah Lund, a local film producer" introduces a speaker.)
      role = true;
      capitalised_role = capitalised_role || (part[0] >= 'A' && part[0] <= 'Z');
      last_was_name = false;
    } else {
      return std::nullopt;
    }
  }
  // One name needs a role as a desk prints it ("Jane Roe, Transport
  // correspondent"); "Jane Roe, film producer" may be a speaker.
  if (names.empty() || (need_role ? !role : names.size() < 2) ||
      (names.size() == 1 && !capitalised_role)) {
    return std::nullopt;
  }
  std::string joined(names[0]);
  for (size_t k = 1; k < names.size(); ++k) {
    joined += k + 1 == names.size() ? " and " : ", ";
    joined += names[k];
  }
  return owned_names_.emplace_back(std::move(joined));
}

void PageWork::ApplyRules() {
  bool after_article = false;  // seen an author line, author box or comment header
  bool in_comments = false;
  // Sentences of 80 bytes or more so far: a standfirst and a paragraph
  // come before a page's comments.
  int paragraphs_seen = 0;
  const size_t max_chars = profile_.max_rule_chars();
  for (size_t i = 0; i < blocks_.size(); ++i) {
    Block& b = blocks_[i];
    const std::string_view s = Text(b);
    if (i > 0 && blocks_[i - 1].kind == Kind::kText && blocks_[i - 1].ends_punct &&
        blocks_[i - 1].len >= 80) {
      ++paragraphs_seen;
    }
    if (i == 0) {
      Site site;
      if (profile_.MatchSiteHeader(s, &site)) {
        b.kind = Kind::kSiteHeader;
        b.used = true;
        page_.site = std::move(site);
        continue;
      }
    }
    // Long multi-sentence blocks are body text: skipping the rules there
    // keeps the regex work (the hot path) to the short blocks that carry
    // boilerplate, credits and author lines.
    const bool prose = b.len > kProseChars && b.sentences >= 2;
    if (b.len <= max_chars && !prose) {
      if (auto m = profile_.Match(s)) {
        b.rule = m->rule;
        b.name = StripPostNominals(StripAgency(m->name));
        b.caption = m->caption;
        b.credit = m->credit;
        switch (m->kind) {
          case RuleKind::kImageMarker:
            b.kind = Kind::kMarker;
            in_comments = false;
            break;
          case RuleKind::kBoilerplate:
            b.kind = Kind::kDrop;
            // "Now Playing" / "01:48": a player's duration, not a live entry's time.
            if (b.rule == "time_stamp" && i > 0 && blocks_[i - 1].rule == "video_furniture") {
              b.rule = "video_furniture";
            }
            // "The Beatles In Hamburg, 1960-1962" is a headline, not a life.
            if (b.rule == "life_dates" && HasStopword(s)) {
              b.kind = Kind::kText;
              b.rule = {};
            }
            break;
          case RuleKind::kCredit:
            b.kind = Kind::kCredit;
            break;
          case RuleKind::kBio:
            // "The BBC is ..." is a sentence, not an author line; "Will
            // Smith is expected to ..." is one only when it names the
            // writer's trade ("... is the Echo's community reporter").
            b.kind = b.len <= kMaxBioChars &&
                             (!StartsWithStopword(b.name) ||
                              (StartsWithGivenName(b.name) && profile_.MentionsBylineRole(s)))
                         ? Kind::kBio
                         : Kind::kText;
            after_article = after_article || b.kind == Kind::kBio;
            break;
          case RuleKind::kByline:
            b.kind = Kind::kByline;
            break;
          case RuleKind::kCommentHeader:
            // "Share | Comments" over the story jumps to its comments.
            if (paragraphs_seen < 2) {
              b.kind = Kind::kDrop;
              b.rule = "comment_link";
              break;
            }
            b.kind = Kind::kCommentHeader;
            after_article = in_comments = true;
            break;
        }
        if (b.kind != Kind::kText) continue;
      }
    }
    if (b.bullet != 0 && b.indented && (b.wrapped || after_article)) {
      b.kind = Kind::kComment;
      continue;
    }
    if (in_comments) {
      // Comments are sentences or long; short unpunctuated lines under a
      // comment count ("Comments (12)") are the page's link lists.
      // A short one ("Well said!") counts right under its commenter's time.
      const bool comment_like =
          (b.tokens >= 4 && (b.bullet != 0 || b.ends_punct || b.len >= 80)) ||
          (b.ends_punct && blocks_[i - 1].kind == Kind::kDrop &&
           FindDateLine(Text(blocks_[i - 1]), fetched_at_.value_or(0)).has_value());
      b.kind = comment_like ? Kind::kComment : Kind::kDrop;
      if (b.kind == Kind::kDrop) b.rule = "comment_meta";
      continue;
    }
    // The author's role or desk under a byline ("Health reporter").
    if (i > 0 && blocks_[i - 1].kind == Kind::kByline && blocks_[i - 1].rule != "letter_sign_off" &&
        b.bullet == 0 && b.tokens <= 4 && b.len <= 40 && !b.ends_punct && !NameLike(s)) {
      b.kind = Kind::kDrop;
      b.rule = "byline_role";
      continue;
    }
    // "Rachel Lin, Transport correspondent, and Sam Okafor".
    if (b.bullet == 0 && b.len <= 120 && s.find(", ") != std::string_view::npos) {
      if (std::optional<std::string_view> names = NamesWithoutBy(s, /*need_role=*/true)) {
        b.kind = Kind::kByline;
        b.name = *names;
        b.rule = "byline_names";
        continue;
      }
    }
    // Byline without "By": a bare name line, then the journalist's role
    // ("Alice Marlow" / "Local government correspondent").
    if (i + 1 < blocks_.size() && b.bullet == 0 && NameLike(s) &&
        profile_.MatchesBylineRole(Text(blocks_[i + 1]))) {
      b.kind = Kind::kByline;
      b.name = s;
      b.rule = "byline_name";
      Block& role = blocks_[i + 1];
      role.kind = Kind::kDrop;
      role.rule = "byline_role";
      ++i;
      continue;
    }
    // "Margaret Yeoh, Hexton" under a paragraph signs a reader's letter,
    // when no paragraph goes on right after it (the next letter's heading,
    // or the end of the letters, does).
    auto paragraph = [&](size_t k) {
      return k < blocks_.size() && blocks_[k].kind == Kind::kText && blocks_[k].ends_punct &&
             blocks_[k].len >= kMinLetterChars;
    };
    const bool quote_next = i + 1 < blocks_.size() && !QuotedCore(Text(blocks_[i + 1])).empty();
    if (b.bullet == 0 && i > 0 && paragraph(i - 1) && !paragraph(i + 1) && !quote_next) {
      if (std::optional<std::string_view> name = NameCommaPlace(s)) {
        b.kind = Kind::kByline;
        b.name = *name;
        b.rule = "letter_sign_off";
        continue;
      }
    }
    // Author box: a bare name line, then a line that starts "is ..."/"was ...".
    if (i + 1 < blocks_.size() && b.bullet == 0 && NameLike(s)) {
      const std::string_view next = Text(blocks_[i + 1]);
      if (next.starts_with("is ") || next.starts_with("was ") || next.starts_with("has ")) {
        b.kind = Kind::kAuthorBoxName;
        blocks_[i + 1].kind = Kind::kAuthorBoxBio;
        after_article = true;
        ++i;
      }
    }
  }
  // A letters page has several signatures; one "Name, Place" line is more
  // likely a quoted speaker's.
  if (std::count_if(blocks_.begin(), blocks_.end(),
                    [](const Block& b) { return b.rule == "letter_sign_off"; }) < 2) {
    for (Block& b : blocks_) {
      if (b.rule != "letter_sign_off") continue;
      b.kind = Kind::kText;
      b.rule = {};
      b.name = {};
    }
  }
  DropConsentBanners();
  if (page_.site.name.empty()) FindMasthead();
  MarkGalleriesAndContents();
  DropAboutTheCompany();
}

// "1. The sluice" -> "The sluice"; also "2)".
std::string_view WithoutListNumber(std::string_view s) {
  const size_t digits = s.find_first_not_of("0123456789");
  if (digits != std::string_view::npos && digits > 0 && digits + 1 < s.size() &&
      (s[digits] == '.' || s[digits] == ')')) {
    return text::Trim(s.substr(digits + 1));
  }
  return s;
}

// `s` with ASCII letters lower-cased (other bytes as they are).
std::string AsciiLower(std::string_view s) {
  std::string lower(s);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

// A recipe's steps heading ("Method", "Directions"), which means a recipe
// only under an "Ingredients" heading.
bool StepsHeading(std::string_view s) {
  static constexpr std::array<std::string_view, 6> kSteps = {"method", "instructions", "directions",
                                                             "steps",  "to serve",     "equipment"};
  return std::find(kSteps.begin(), kSteps.end(), AsciiLower(s)) != kSteps.end();
}

// Whether `word` occurs in `s`, ASCII case folded.
bool MentionsWord(std::string_view s, std::string_view word) {
  return AsciiLower(s).find(word) != std::string::npos;
}

// "About Northwind Analytics" over "Northwind Analytics, Inc. builds ...":
// a press release's boilerplate on its issuer, not the release's text.
void PageWork::DropAboutTheCompany() {
  constexpr std::string_view kAbout = "About ";
  for (size_t i = 0; i + 1 < blocks_.size(); ++i) {
    const Block& heading = blocks_[i];
    const std::string_view s = Text(heading);
    if (heading.kind != Kind::kText || heading.bullet != 0 || heading.ends_punct ||
        heading.tokens > 6 || !s.starts_with(kAbout) || s.size() == kAbout.size() ||
        s[kAbout.size()] < 'A' || s[kAbout.size()] > 'Z') {
      continue;
    }
    const std::string_view company = s.substr(kAbout.size());
    size_t j = i + 1;
    while (j < blocks_.size() && blocks_[j].kind == Kind::kText && blocks_[j].ends_punct &&
           Text(blocks_[j]).starts_with(company) &&
           !text::IsWordByte(static_cast<unsigned char>(Text(blocks_[j])[company.size()]))) {
      ++j;
    }
    if (j == i + 1) continue;
    for (size_t k = i; k < j; ++k) {
      blocks_[k].kind = Kind::kDrop;
      blocks_[k].rule = "about_company";
    }
    i = j - 1;
  }
}

void PageWork::MarkGalleriesAndContents() {
  // A gallery has counters ("1 of 4", "2 of 4"); one such line is a stray.
  const auto counters = std::count_if(blocks_.begin(), blocks_.end(),
                                      [](const Block& b) { return b.rule == "gallery_counter"; });
  bool ingredients = false;
  for (size_t i = 0; i + 1 < blocks_.size(); ++i) {
    const std::string_view rule = blocks_[i].rule;
    if (rule == "gallery_counter" && counters >= 2) {
      // "2 of 4" then the picture's caption (its credit, if any, follows).
      Block& caption = blocks_[i + 1];
      if (caption.kind == Kind::kText && caption.bullet == 0 && caption.len <= kMaxCaptionChars) {
        caption.kind = Kind::kCredit;
        caption.caption = Text(caption);
        caption.rule = "gallery_caption";
      }
    } else if (rule == "review_list_heading") {
      // "Pros" / "Cons" / "Specifications": the short lines under it are
      // the box's, not headlines or the story's title.
      for (size_t j = i + 1; j < blocks_.size() && j <= i + kMaxContentsEntries; ++j) {
        Block& item = blocks_[j];
        if (item.kind != Kind::kText || item.len > 80 || item.ends_punct) break;
        item.kind = Kind::kDrop;
        item.rule = "review_list";
      }
    } else if (rule == "list_heading" && StepsHeading(Text(blocks_[i])) && !ingredients) {
      // "Method" or "Steps" with no ingredients above it is a crosshead.
      blocks_[i].kind = Kind::kText;
      blocks_[i].rule = {};
    } else if (rule == "list_heading") {
      ingredients = ingredients || MentionsWord(Text(blocks_[i]), "ingredients");
      // "Ingredients", "Method", "Timeline": the lines under it are its
      // list, body text however short ("40g butter"), never a title.
      for (size_t j = i + 1; j < blocks_.size() && j <= i + kMaxRecipeLines; ++j) {
        Block& item = blocks_[j];
        if (item.kind != Kind::kText || item.len > kMaxRecipeLineChars) break;
        if (item.bullet == 0) item.bullet = 1;
      }
    } else if (rule == "contents_heading") {
      // The entries under "Contents" are the story's crossheads, listed.
      for (size_t j = i + 1; j < blocks_.size() && j <= i + kMaxContentsEntries; ++j) {
        Block& entry = blocks_[j];
        // (Entries may be questions: "What are the new rules?")
        if (entry.kind != Kind::kText || entry.len > 80 ||
            (entry.ends_punct && !Text(entry).ends_with('?'))) {
          break;
        }
        const std::string_view name = WithoutListNumber(Text(entry));
        // The first crosshead itself, right after the list, ends it.
        if (std::find(contents_.begin(), contents_.end(), name) != contents_.end()) break;
        entry.kind = Kind::kDrop;
        entry.rule = "contents";
        contents_.emplace_back(name);
      }
    }
  }
}

// A publication's name as its masthead prints it: "The Marsh Gazette",
// "Harbour Business Daily", "Le Courrier de l'Ouest"; capitalised words
// and a few lower-case joining words, no digits or sentence punctuation.
bool MastheadLike(std::string_view s) {
  if (s.empty() || s.size() > 40) return false;
  static constexpr std::array<std::string_view, 12> kJoin = {
      "of", "the", "and", "&", "de", "du", "des", "la", "le", "der", "die", "von"};
  int words = 0;
  for (size_t i = 0; i < s.size();) {
    const size_t sp = std::min(s.find(' ', i), s.size());
    const std::string_view word = s.substr(i, sp - i);
    i = sp + 1;
    if (word.empty()) continue;
    ++words;
    if (std::any_of(word.begin(), word.end(), [](char c) {
          return (c >= '0' && c <= '9') || c == '.' || c == ',' || c == ':' || c == '!' ||
                 c == '?' || c == '|' || c == '"';
        })) {
      return false;
    }
    const auto first = static_cast<unsigned char>(word[0]);
    const bool capital = (first >= 'A' && first <= 'Z') || first >= 0xC0;
    if (!capital && (words == 1 || std::find(kJoin.begin(), kJoin.end(), word) == kJoin.end())) {
      return false;
    }
  }
  return words >= 2 && words <= 5;  // one word is more often a section ("Business")
}

void PageWork::FindMasthead() {
  // Past a consent banner or a skip link, not past the menu itself.
  size_t i = 0;
  auto menu_item = [&](const Block& b) {
    return b.kind == Kind::kDrop && (b.rule == "site_nav" || b.rule == "nav_pipe_list") &&
           !Text(b).starts_with("Skip");
  };
  while (i < blocks_.size() && blocks_[i].kind == Kind::kDrop && !menu_item(blocks_[i])) ++i;
  if (i + 2 >= blocks_.size()) return;
  Block& b = blocks_[i];
  if (b.kind != Kind::kText || b.bullet != 0 || !MastheadLike(Text(b))) return;
  // The site's menu right under it: two or more of the next five lines.
  int menu = 0;
  for (size_t j = i + 1; j < blocks_.size() && j <= i + 5; ++j) {
    const std::string_view line = Text(blocks_[j]);
    // ("Share | Email | Print" under a headline is no menu.)
    // A menu on one line ("News | Sport | What's On") counts for two.
    if (menu_item(blocks_[j]) && !MentionsWord(line, "share") && !MentionsWord(line, "print")) {
      menu += line.find('|') != std::string_view::npos ? 2 : 1;
    }
  }
  if (menu < 2) return;
  b.kind = Kind::kSiteHeader;
  b.used = true;
  page_.site.name = std::string(Text(b));
}

void PageWork::DropConsentBanners() {
  for (size_t i = 1; i + 1 < blocks_.size(); ++i) {
    // A banner's buttons come in twos or more ("Accept all" / "Reject all");
    // one "Agree" under a poll is not one.
    if (blocks_[i].rule != "cookie_button" || blocks_[i + 1].rule != "cookie_button" ||
        blocks_[i - 1].rule == "cookie_button") {
      continue;
    }
    // The banner's text over its buttons, about cookies (too long for the
    // rules, which skip prose), and its heading ("We value your privacy").
    size_t j = i;
    while (j > 0 && i - j < 2 && blocks_[j - 1].kind == Kind::kText &&
           blocks_[j - 1].len <= kMaxConsentChars && MentionsWord(Text(blocks_[j - 1]), "cookie")) {
      Block& b = blocks_[--j];
      b.kind = Kind::kDrop;
      b.rule = "cookie_notice";
    }
    if (j < i && j > 0) {
      Block& heading = blocks_[j - 1];
      if (heading.kind == Kind::kText && heading.len <= 60 && !heading.ends_punct &&
          (MentionsWord(Text(heading), "privacy") || MentionsWord(Text(heading), "cookie"))) {
        heading.kind = Kind::kDrop;
        heading.rule = "cookie_notice";
      }
    }
  }
}

void PageWork::Classify(bool use_stopwords) {
  for (Block& b : blocks_) {
    if (b.len < kLengthLow) {
      b.cls = Cls::kShort;
      continue;
    }
    if (!use_stopwords) {
      // Languages without a stopword list: judge by length and punctuation.
      b.cls = b.len > kLengthHigh && b.ends_punct ? Cls::kGood
              : b.ends_punct                       ? Cls::kNearGood
                                                   : Cls::kBad;
      continue;
    }
    const double density = b.words == 0 ? 0.0 : static_cast<double>(b.stops) / b.words;
    if (density >= kStopwordsHigh) {
      b.cls = b.len > kLengthHigh ? Cls::kGood : Cls::kNearGood;
    } else if (density >= kStopwordsLow) {
      b.cls = Cls::kNearGood;
    } else {
      b.cls = Cls::kBad;
    }
  }
}

bool IsTextKind(Kind k) { return k == Kind::kText || k == Kind::kBio; }

// Boilerplate that interrupts a body rather than ending it: an advert
// marker, a newsletter box, a share bar, an audio player, or a single
// "Read more: <headline>" link (not a "Related articles" heading, after
// which come other stories' headlines).
bool InBodyInterruption(const Block& b) {
  if (b.kind != Kind::kDrop) return false;
  // "Read more: headline", "Lire aussi : titre": one link, not a heading.
  if (b.rule == "related_links" || b.rule == "related_links_intl") return b.tokens > 3;
  return b.rule == "advert" || b.rule == "newsletter_signup" || b.rule == "newsletter_form" ||
         b.rule == "share_bar" || b.rule == "audio_player" || b.rule == "podcast_player";
}

bool PageWork::NamesTheSite(std::string_view name) const {
  if (name.empty()) return false;
  if (name == page_.site.name) return true;
  return !blocks_.empty() && blocks_[0].tokens <= 5 && Text(blocks_[0]) == name;
}

// A heading that closes a story ("Related articles", "Most read"); a
// "Related: headline" link inside a body is an interruption instead.
bool SectionEndHeading(const Block& b) {
  return b.kind == Kind::kDrop && (b.rule == "related_links" || b.rule == "related_links_intl") &&
         !InBodyInterruption(b);
}

// Two or more headlines (short unpunctuated lines) among the next few
// blocks: a list of other stories, not one link inside a body.
bool PageWork::TeasersFollow(size_t heading, size_t end) const {
  int headlines = 0;
  for (size_t j = heading + 1; j < end && j <= heading + 5; ++j) {
    const Block& b = blocks_[j];
    headlines += b.kind == Kind::kText && b.bullet == 0 && !b.ends_punct && b.tokens >= 3 ? 1 : 0;
  }
  return headlines >= 2;
}

void PageWork::ApplyContext() {
  const size_t n = blocks_.size();
  for (size_t i = 0; i < n; ++i) {
    Block& b = blocks_[i];
    b.good = IsTextKind(b.kind) && b.cls == Cls::kGood;
    // A reader's letter is text, however short, when its writer signs it.
    if (b.rule == "letter_sign_off" && i > 0 && IsTextKind(blocks_[i - 1].kind)) {
      blocks_[i - 1].good = true;
    }
  }
  // Near-good sentences next to good text count as good (one step, as in
  // jusText); short blocks and bullets are skipped when looking for
  // neighbours.
  auto neighbour_good = [&](size_t i, int dir) {
    for (size_t j = i + dir; j < n; j += dir) {  // wraps past 0 to a huge value
      const Block& o = blocks_[j];
      // Boilerplate inside a body ("Advertisement", "Read more: ...") does
      // not separate its paragraphs.
      if (o.kind == Kind::kDrop) continue;
      if (!IsTextKind(o.kind)) return false;
      if (o.cls == Cls::kShort || o.bullet != 0) continue;
      return o.good;
    }
    return false;
  };
  // Runs of three or more near-good sentences are body text even without a
  // long anchor paragraph (news sites write short paragraphs); so are two
  // signed by a byline right above them or an author line right below (a
  // news brief).
  std::vector<size_t> run;
  // (A byline signs them under a headline: an index of columnists has
  // bylines over teasers.)
  auto headline_above = [&](size_t byline) {
    int texts = 0;
    for (size_t j = byline; j-- > 0 && texts < 3;) {
      if (!IsTextKind(blocks_[j].kind)) continue;
      ++texts;
      if (TitleLike(j, false) && blocks_[j].tokens >= 4) return true;
    }
    return false;
  };
  auto signed_run = [&] {
    for (size_t j = run.front(); j-- > 0;) {
      if (blocks_[j].kind == Kind::kDrop) continue;
      if (blocks_[j].kind == Kind::kByline) return headline_above(j);
      break;
    }
    for (size_t j = run.back() + 1; j < n; ++j) {
      if (blocks_[j].kind == Kind::kDrop) continue;
      return blocks_[j].kind == Kind::kBio;
    }
    return false;
  };
  auto close_run = [&] {
    if (run.size() >= 3 || (run.size() == 2 && signed_run())) {
      for (size_t j : run) blocks_[j].good = true;
    }
    run.clear();
  };
  for (size_t i = 0; i < n; ++i) {
    const Block& b = blocks_[i];
    if (!IsTextKind(b.kind)) {
      // Boilerplate between entries (time stamps, "Advertisement") does not
      // end a run, as it does not separate neighbours below.
      if (b.kind != Kind::kDrop) close_run();
    } else if (b.cls == Cls::kGood ||
               (b.cls == Cls::kNearGood && (b.ends_punct || Text(b).back() == ':'))) {
      run.push_back(i);
    } else if (b.cls != Cls::kShort && b.bullet == 0) {
      close_run();
    }
  }
  close_run();
  // Tabloids and many local sites write one short sentence per paragraph,
  // under kLengthLow each: a run of at least kMinSentenceRun sentences
  // (closing punctuation, boilerplate between them aside) whose words are
  // prose by their stopwords is body text as well.
  size_t run_chars = 0;
  auto close_sentence_run = [&] {
    if (run.size() >= kMinSentenceRun && run_chars >= kMinSentenceRunChars) {
      // Stopwords are counted only now: short blocks skip it in Measure.
      uint64_t words = 0, stops = 0;
      for (size_t j : run) {
        words += blocks_[j].words;
        stops += CountStops(blocks_[j]);
      }
      if (static_cast<double>(stops) >= kStopwordsLow * static_cast<double>(words)) {
        for (size_t j : run) blocks_[j].good = true;
      }
    }
    run.clear();
    run_chars = 0;
  };
  for (size_t i = 0; i < n; ++i) {
    const Block& b = blocks_[i];
    if (InBodyInterruption(b)) continue;
    // (An author line ends a run: it is not the story's.)
    if (b.kind == Kind::kText && b.bullet == 0 && b.cls != Cls::kBad && b.ends_punct &&
        b.tokens >= 4) {
      run.push_back(i);
      run_chars += b.len;
    } else {
      close_sentence_run();
    }
  }
  close_sentence_run();
  std::vector<bool> was_good(n);
  for (size_t i = 0; i < n; ++i) was_good[i] = blocks_[i].good;
  for (size_t i = 0; i < n; ++i) {
    Block& b = blocks_[i];
    if (IsTextKind(b.kind) && b.cls == Cls::kNearGood && b.ends_punct && !was_good[i] &&
        (neighbour_good(i, -1) || neighbour_good(i, 1))) {
      b.good = true;
    }
  }
}

bool PageWork::TitleLike(size_t i, bool after_marker) const {
  const Block& b = blocks_[i];
  if (!IsTextKind(b.kind) || b.bullet != 0 || b.tokens < 2 || b.tokens > 40 || b.len > 300) {
    return false;
  }
  const char last = arena_[b.begin + b.len - 1];
  if (last == ':' || last == ',' || last == ';') return false;
  if (b.sentences > 1) return false;
  if (last == '.' && !after_marker) return false;
  return true;
}

bool PageWork::StandfirstLike(size_t i) const {
  const Block& b = blocks_[i];
  return IsTextKind(b.kind) && b.bullet == 0 && b.tokens >= 4 && b.len <= 400 &&
         b.sentences <= 2 && arena_[b.begin + b.len - 1] != ':';
}

bool PageWork::IsKicker(size_t label, size_t headline) const {
  const Block& k = blocks_[label];
  const Block& h = blocks_[headline];
  if (k.kind != Kind::kText || h.kind != Kind::kText || h.tokens < 6 || h.ends_punct ||
      h.sentences != 0 || !TitleLike(headline, false)) {
    return false;
  }
  // "BREAKING: ..." over the headline is the site's news ticker.
  const std::string_view s = Text(k);
  const std::string head = AsciiLower(s.substr(0, 15));
  if (head.starts_with("breaking:") || head.starts_with("breaking news:") ||
      head.starts_with("just in:")) {
    return true;
  }
  // ("CRIME & COURTS", "ELECTIONS 2025": capitals alone.)
  const bool capitals =
      k.len <= 30 && k.tokens <= 3 &&
      std::none_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  return capitals || (k.tokens <= 2 && CapitalisedWords(s, 1, 2));
}

// A title and its standfirst are never split by the site's menus: a line
// above a menu is the masthead's (a tagline), not the story's.
bool PageWork::NavigationBetween(size_t from, size_t to) const {
  for (size_t i = from + 1; i < to; ++i) {
    const Block& b = blocks_[i];
    if (b.kind == Kind::kDrop && (b.rule == "site_nav" || b.rule == "nav_pipe_list")) return true;
  }
  return false;
}

bool PageWork::EntryTimeBetween(size_t from, size_t to) const {
  return to > from + 1 && blocks_[to - 1].kind == Kind::kDrop &&
         blocks_[to - 1].rule == "time_stamp";
}

// An author line ends an article only when no body text follows it.
bool PageWork::ConfirmedBio(size_t k, size_t seg_end) const {
  if (blocks_[k].kind != Kind::kBio) return false;
  int texts = 0;
  for (size_t m = k + 1; m < seg_end; ++m) {
    const Block& o = blocks_[m];
    switch (o.kind) {
      case Kind::kCredit:
      case Kind::kBio:
      case Kind::kDrop:
      case Kind::kByline:
      case Kind::kMarker:
        continue;
      case Kind::kText:
        if (o.good) return TitleLike(m, false);
        if (TitleLike(m, false)) return true;  // next article's title
        if (++texts >= 3) return true;
        continue;
      default:
        return true;
    }
  }
  return true;
}

void PageWork::Drop(size_t i) {
  Block& b = blocks_[i];
  if (b.used) return;
  b.used = true;
  std::string_view rule = b.rule;
  if (rule.empty()) {
    switch (b.kind) {
      case Kind::kText:
      case Kind::kBio:
        rule = b.cls == Cls::kShort ? "short_block"
               : b.cls == Cls::kBad ? "low_text_density"
                                    : "outside_article";
        break;
      case Kind::kAuthorBoxName:
      case Kind::kAuthorBoxBio:
        rule = "author_box";
        break;
      case Kind::kCredit:
        rule = "orphan_credit";
        break;
      default:
        rule = "unused";
    }
  }
  page_.dropped.push_back({std::string(Text(b)), std::string(rule)});
}

void PageWork::SetImage(Article* a, const Block& b) {
  // "Image source, X" and "Image caption, Y" lines are two halves of one
  // picture's credit: each fills the half still missing.
  if (b.credit.empty()) {
    if (a->image.caption.empty()) a->image.caption = std::string(b.caption);
    return;
  }
  if (b.caption.empty() && a->image.credit.empty() && !a->image.caption.empty()) {
    a->image.credit = std::string(b.credit);
    return;
  }
  // Keep the first credit, but a later one with a caption wins over a bare one.
  if (!a->image.credit.empty() && (!a->image.caption.empty() || b.caption.empty())) return;
  a->image.caption = std::string(b.caption);
  a->image.credit = std::string(b.credit);
}

// Whether a lead line before block `limit` could be the title.
bool PageWork::TitleLikeBefore(const std::vector<size_t>& lead_text, size_t limit) const {
  return std::any_of(lead_text.begin(), lead_text.end(),
                     [&](size_t i) { return i < limit && TitleLike(i, false); });
}

// Credit first, then caption ("Getty Images" / "Campaigners gathered outside
// the town hall"), right before the body: the last lead line after a bare
// credit is the image's caption, not a standfirst, when a title-like line
// comes before the credit (so a title after a credit is never taken).
void PageWork::TakeCaptionAfterCredit(std::vector<size_t>* lead_text) {
  if (lead_text->size() < 2) return;
  const size_t c = lead_text->back();
  size_t credit = c;
  while (credit > 0 && blocks_[credit - 1].kind == Kind::kDrop) --credit;
  if (credit == 0) return;
  Block& cr = blocks_[--credit];
  const Block& cap = blocks_[c];
  if (cr.kind != Kind::kCredit || !cr.caption.empty() || cap.good || cap.tokens < 3 ||
      cap.len > 300 || cap.sentences > 1) {
    return;
  }
  if (!TitleLikeBefore(*lead_text, credit)) return;
  cr.caption = Text(cap);
  blocks_[c].used = true;
  lead_text->pop_back();
}

// A bare "Firstname Lastname" (or "Firstname Lastname in Place") as the last
// lead line, under a real headline (five or more words, not itself a name),
// is the byline, not the title.
void PageWork::TakeBareNameByline(std::vector<size_t>* lead_text, size_t body_start) {
  if (lead_text->size() < 2) return;
  size_t c = lead_text->back();
  // A byline stands over the date and the body, not over a table's cells
  // ("Walter Brumby" / "Rep." / "23,907"); one stray word may follow it.
  if (std::count_if(blocks_.begin() + static_cast<std::ptrdiff_t>(c) + 1,
                    blocks_.begin() + static_cast<std::ptrdiff_t>(body_start),
                    [](const Block& b) { return IsTextKind(b.kind); }) > 1) {
    return;
  }
  auto headline_before = [&](size_t limit) {
    return std::any_of(lead_text->begin(), lead_text->end(), [&](size_t i) {
      return i < limit && TitleLike(i, false) && blocks_[i].tokens >= 5 &&
             !NameLike(Text(blocks_[i]));
    });
  };
  // "Marcus Delgado" over "The Millbrook Ledger-Gazette": the outlet under
  // a bare name is the byline's, not a name of its own.
  if (lead_text->size() >= 3 && blocks_[c].kind == Kind::kText && NameLike(Text(blocks_[c])) &&
      Text(blocks_[c]).substr(0, 4) == "The ") {
    const size_t above = (*lead_text)[lead_text->size() - 2];
    if (above + 1 == c && blocks_[above].kind == Kind::kText && NameLike(Text(blocks_[above])) &&
        !HasStopword(Text(blocks_[above])) && headline_before(above)) {
      blocks_[c].kind = Kind::kDrop;
      blocks_[c].rule = "byline_outlet";
      lead_text->pop_back();
      c = above;
    }
  }
  Block& b = blocks_[c];
  if (b.kind != Kind::kText) return;
  // "Firstname Lastname" or "Firstname Lastname in Place".
  std::string_view name = Text(b);
  if (const size_t in = name.find(" in "); in != std::string_view::npos &&
                                           CapitalisedWords(name.substr(in + 4), 1, 3)) {
    name = name.substr(0, in);
  }
  // "The Ledger-Gazette" names no one.
  if (name.substr(0, 4) == "The ") return;
  if (!NameLike(name)) {
    // "Fiona Drummond and Callum Reid".
    const std::optional<std::string_view> names = NamesWithoutBy(name, /*need_role=*/false);
    if (!names) return;
    name = *names;
  }
  if (!headline_before(c)) return;
  b.kind = Kind::kByline;
  b.name = name;
  b.rule = "byline_name";
  lead_text->pop_back();
}

// A headline and standfirst over the byline, then a box of
// short unpunctuated lines before the body (a match's score and scorers,
// share prices, a weather warning's areas): the box is neither title nor
// standfirst. Lines that end like sentences are left alone (a lede after
// the byline).
void PageWork::DropBoxUnderByline(std::vector<size_t>* lead_text, size_t lead_start,
                                  size_t body_start) {
  // (A byline, not a date line: blogs date a post above its title.)
  size_t anchor = body_start;
  for (size_t i = body_start; i-- > lead_start;) {
    if (blocks_[i].kind == Kind::kByline) {
      anchor = i;
      break;
    }
  }
  if (anchor == body_start) return;
  const auto first_after = std::upper_bound(lead_text->begin(), lead_text->end(), anchor);
  const size_t before = static_cast<size_t>(first_after - lead_text->begin());
  if (before < 2 || lead_text->end() - first_after < 2) return;
  for (auto it = first_after; it != lead_text->end(); ++it) {
    // ("Pct.", "Dem.": a results table's abbreviations are no sentences.)
    if (blocks_[*it].ends_punct && blocks_[*it].tokens > 2) return;
  }
  const size_t d = (*lead_text)[before - 2], c = (*lead_text)[before - 1];
  if (!TitleLike(d, false) || !StandfirstLike(c) || NavigationBetween(d, c)) return;
  for (auto it = first_after; it != lead_text->end(); ++it) {
    blocks_[*it].kind = Kind::kDrop;
    blocks_[*it].rule = "box_under_byline";
  }
  lead_text->erase(first_after, lead_text->end());
}

// An interview opens with a short question right before the first answer;
// after a byline, under a headline, that question is the body's first
// paragraph, not the title. Returns that block when the last lead line is
// such a question (and takes it off `lead_text`).
std::optional<size_t> PageWork::TakeOpeningQuestion(std::vector<size_t>* lead_text) {
  if (lead_text->size() < 2) return std::nullopt;
  const size_t c = lead_text->back();
  const Block& q = blocks_[c];
  if (q.kind != Kind::kText || q.tokens < 3 || arena_[q.begin + q.len - 1] != '?') {
    return std::nullopt;
  }
  // The byline, with no text between it and the question.
  size_t byline = c;
  do {
    if (byline == 0) return std::nullopt;
    --byline;
    if (IsTextKind(blocks_[byline].kind)) return std::nullopt;
  } while (blocks_[byline].kind != Kind::kByline);
  if (!TitleLikeBefore(*lead_text, byline)) return std::nullopt;
  lead_text->pop_back();
  return c;
}

// "Updated 2 hours ago", "Last modified: ...", "Mis à jour le ...".
bool IsUpdateLine(std::string_view s) {
  static constexpr std::array<std::string_view, 7> kPrefixes = {
      "updated",    "last updated", "last modified", "modified",
      "mis à jour", "aktualisiert", "actualizado"};
  const std::string head = AsciiLower(s.substr(0, 16));
  return std::any_of(kPrefixes.begin(), kPrefixes.end(),
                     [&](std::string_view p) { return head.starts_with(p); });
}

// A commenter's name as comment sections print it ("Maureen Quinn",
// "DaveP", "@harbour_dan"), not one of the section's buttons ("Reply",
// "Like (4)", "Sort by: Newest", "Report abuse").
bool CommenterNameLike(std::string_view s) {
  if (s.empty() || s.size() > 40) return false;
  const unsigned char first = static_cast<unsigned char>(s[0]);
  if (!(std::isalpha(first) || first >= 0x80 || first == '@')) return false;
  static constexpr std::string_view kPunct = "():;|?!,\"*=<>[]{}";
  if (s.find_first_of(kPunct) != std::string_view::npos) return false;
  if (s.find("\u2026") != std::string_view::npos) return false;  // "Join the discussion…"
  static constexpr std::array<std::string_view, 53> kButtons = {
      "reply",    "replies",   "report",      "abuse",      "share",       "like",     "likes",
      "flag",     "recommend", "recommended", "permalink",  "edit",        "edited",   "delete",
      "hide",     "show",      "more",        "less",       "newest",      "oldest",   "sort",
      "by",       "top",       "best",        "follow",     "upvote",      "downvote", "vote",
      "votes",    "quote",     "link",        "load",       "view",        "all",      "cancel",
      "block",    "collapse",  "expand",      "translate",  "comments",    "comment",  "pinned",
      "featured", "in",        "to",          "subscriber", "subscribers", "verified", "moderator",
      "staff",    "member",    "premium",     "supporter"};
  int words = 0;
  bool buttons_only = true;
  for (size_t i = 0; i < s.size();) {
    const size_t sp = std::min(s.find(' ', i), s.size());
    const std::string word = AsciiLower(s.substr(i, sp - i));
    // A word without a letter or digit ("\u2022", "\u203a") only separates;
    // U+2000-U+2FFF (lead byte 0xE2) holds punctuation and symbols, no letters.
    const bool symbol = std::none_of(word.begin(), word.end(), [](char ch) {
      const auto b = static_cast<unsigned char>(ch);
      // Lead byte 0xC2 is U+0080-U+00BF ("\u00b7", "\u00bb", "\u00a9"); digits
      // alone ("View 3 replies") count no more than symbols.
      return std::isalpha(b) || (b >= 0xC3 && b != 0xE2);
    });
    if (!word.empty() && !symbol) {
      ++words;
      buttons_only =
          buttons_only && std::find(kButtons.begin(), kButtons.end(), word) != kButtons.end();
    }
    i = sp + 1;
  }
  return words >= 1 && words <= 4 && !buttons_only;
}

// "Maureen Quinn says:" -> "Maureen Quinn"; also "wrote:", "said:" and a
// bare trailing colon, and the separators left before a date ("DaveP ·").
std::string_view StripCommenterSuffix(std::string_view s) {
  static constexpr std::array<std::string_view, 8> kVerbs = {
      " says", " said", " wrote", " writes", " commented", " replied", " on", " at"};
  while (true) {
    s = text::Trim(s);
    const size_t before = s.size();
    for (std::string_view sep : {":", "\u00b7", "\u2022", "|", "-", "\u2013", "\u2014", ","}) {
      if (s.ends_with(sep)) s.remove_suffix(sep.size());
    }
    for (std::string_view verb : kVerbs) {
      if (s.size() > verb.size() &&
          std::equal(
              verb.begin(), verb.end(), s.end() - static_cast<ptrdiff_t>(verb.size()),
              [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
        s.remove_suffix(verb.size());
        break;
      }
    }
    if (s.size() == before) return s;
  }
}

Comment PageWork::CommentAt(size_t i) const {
  Comment c{std::string(Text(blocks_[i])), {}, std::nullopt};
  // The lines right above it that no rule kept name the commenter and the
  // time, on one line ("GeoffK 14 March 2024 10:02", "R. Okonkwo \u2022 3
  // hours ago") or two ("Maureen Quinn says:" then "April 12, 2026 at 6:41
  // pm"; "DaveP" then "2 hours ago"), maybe with a badge ("Top comment", "In
  // reply to X") between them and the text. Without a fetch time a relative
  // time dates nothing but still marks the line.
  auto meta = [&](size_t k) -> std::optional<std::string_view> {
    if (k >= i || i - k > 3 || blocks_[k].kind != Kind::kDrop) return std::nullopt;
    return Text(blocks_[k]);
  };
  auto when = [&](std::string_view line) { return FindDateLine(line, fetched_at_.value_or(0)); };
  auto name_in = [&](std::string_view line) -> std::optional<std::string_view> {
    line = StripCommenterSuffix(line);
    // "In reply to GeoffK", "Replying to @dan": someone else's name.
    if (MentionsWord(line.substr(0, 12), "reply to") ||
        MentionsWord(line.substr(0, 12), "replying")) {
      return std::nullopt;
    }
    if (!CommenterNameLike(line)) return std::nullopt;
    return line;
  };
  // The nearest date line among the two lines above, and no comment between.
  std::optional<size_t> date_at;
  std::optional<DateLineMatch> date;
  for (size_t k = i; k > 0 && i - k < 2; --k) {
    const std::optional<std::string_view> line = meta(k - 1);
    if (!line) break;
    if ((date = when(*line))) {
      date_at = k - 1;
      break;
    }
  }
  if (!date_at) {
    // No time shown: a name right above the comment.
    const std::optional<std::string_view> nearest = i > 0 ? meta(i - 1) : std::nullopt;
    if (nearest) {
      if (std::optional<std::string_view> name = name_in(*nearest)) c.author = std::string(*name);
    }
    return c;
  }
  if (!date->relative || fetched_at_) c.posted_at = date->seconds;
  const std::string_view line = Text(blocks_[*date_at]);
  std::optional<std::string_view> name = name_in(line.substr(0, date->begin));
  // Else the line above the date line.
  if (!name && *date_at > 0) {
    if (std::optional<std::string_view> above = meta(*date_at - 1); above && !when(*above)) {
      name = name_in(*above);
    }
  }
  if (name) c.author = std::string(*name);
  return c;
}

// The words of a quoted line without its quote marks and closing
// punctuation: "“People can hear it,”" -> "People can hear it". Empty when
// the line does not open with a quote mark.
std::string_view QuotedCore(std::string_view s) {
  static constexpr std::array<std::string_view, 4> kOpen = {"\u201c", "\"", "\u2018", "\u00ab"};
  bool quoted = false;
  for (std::string_view q : kOpen) {
    if (s.starts_with(q)) {
      s.remove_prefix(q.size());
      quoted = true;
      break;
    }
  }
  if (!quoted) return {};
  while (!s.empty()) {
    bool trimmed = false;
    for (std::string_view tail : {"\u201d", "\"", "\u2019", "\u00bb", ".", ",", "!", "?", " "}) {
      if (s.ends_with(tail)) {
        s.remove_suffix(tail.size());
        trimmed = true;
      }
    }
    if (!trimmed) break;
  }
  return s;
}

bool PageWork::IsVideoTitle(size_t i) const {
  const std::string_view s = Text(blocks_[i]);
  return i + 1 < blocks_.size() && blocks_[i + 1].rule == "video_furniture" &&
         IsTextKind(blocks_[i].kind) && (s.starts_with("Watch: ") || s.starts_with("Video: "));
}

bool PageWork::StoryMetaBetween(size_t from, size_t to) const {
  for (size_t i = from + 1; i < to; ++i) {
    const Block& b = blocks_[i];
    if (b.kind == Kind::kByline || b.rule == "published_line" || b.rule == "dateline") return true;
  }
  return false;
}

void PageWork::DropPullQuotes(std::vector<size_t>* body) {
  bool any = false;
  for (size_t i : *body) {
    Block& b = blocks_[i];
    if (IsVideoTitle(i)) {
      b.kind = Kind::kDrop;
      b.rule = "video_embed";
      any = true;
      continue;
    }
    if (b.bullet != 0 || b.len > kMaxPullQuoteChars) continue;
    const std::string_view core = QuotedCore(Text(b));
    if (core.size() < kMinPullQuoteChars) continue;
    if (std::any_of(body->begin(), body->end(), [&](size_t j) {
          return blocks_[j].len > b.len && Text(blocks_[j]).find(core) != std::string_view::npos;
        })) {
      b.kind = Kind::kDrop;
      b.rule = "pull_quote";
      any = true;
    }
  }
  if (any) std::erase_if(*body, [&](size_t i) { return blocks_[i].kind == Kind::kDrop; });
}

// Blocks that belong to no article: comments, or dropped.
void PageWork::Leftovers(size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) {
    Block& b = blocks_[i];
    if (b.used) continue;
    if (b.kind == Kind::kComment) {
      b.used = true;
      page_.comments.push_back(CommentAt(i));
    } else if ((b.kind == Kind::kAuthorBoxName || b.kind == Kind::kAuthorBoxBio) &&
               !page_.articles.empty() && page_.articles.back().author.name.empty() &&
               b.kind == Kind::kAuthorBoxName && i + 1 < end) {
      Article& a = page_.articles.back();
      a.author.name = std::string(Text(b));
      a.author.bio = a.author.name + " " + std::string(Text(blocks_[i + 1]));
      b.used = blocks_[i + 1].used = true;
    } else if (b.kind == Kind::kSiteHeader) {
      b.used = true;
    } else {
      Drop(i);
    }
  }
}

size_t PageWork::UnmarkedListEnd(size_t from, size_t end) const {
  size_t items = 0;
  for (size_t i = from; i < end && items <= kMaxUnmarkedListItems; ++i) {
    const Block& b = blocks_[i];
    if (b.kind == Kind::kText && b.good) return items >= 3 ? i : 0;
    if (b.kind != Kind::kText || b.bullet != 0 || b.tokens > 4 || b.len > 40 || b.ends_punct) {
      return 0;
    }
    ++items;
  }
  return 0;
}

void PageWork::ProcessSegment(size_t begin, size_t end) {
  size_t lead_start = begin;
  // A story in this segment ended at a "Recommended for you"-like heading.
  bool section_closed = false;
  while (lead_start < end) {
    size_t g = lead_start;
    while (g < end && !(blocks_[g].good && blocks_[g].kind == Kind::kText)) ++g;
    if (g >= end) break;
    // Extend the body over content, tolerating short runs of noise.
    size_t last_good = g;
    int gap = 0;
    size_t k = g + 1;
    for (; k < end; ++k) {
      const Block& b = blocks_[k];
      if (b.kind == Kind::kBio && ConfirmedBio(k, end)) break;
      // "Recommended for you", "More on this story": what follows are other
      // stories' teasers, however much they read like prose.
      if (b.rule == "letter_sign_off") break;  // a reader's letter ends at its signature
      if (SectionEndHeading(b) && last_good > g && TeasersFollow(k, end)) {
        section_closed = true;
        break;
      }
      if (b.kind == Kind::kText || b.kind == Kind::kBio) {
        if (b.good) {
          last_good = k;
          gap = 0;
        } else if (b.bullet == 0 && !b.table_row && ++gap > kMaxGap) {
          const size_t list_end = UnmarkedListEnd(last_good + 1, end);
          if (list_end == 0) break;
          // The list's items are the story's; its next paragraph goes on.
          k = list_end - 1;
          gap = 0;
        }
      } else if (b.kind == Kind::kDrop || b.kind == Kind::kCredit || b.kind == Kind::kByline) {
        // A newsletter box or an advert inside the story is furniture of
        // many lines; it does not use up the story's allowance for noise.
        if (!InBodyInterruption(b) && ++gap > kMaxGap) break;
      } else {
        break;  // author box, comments, site header
      }
    }
    // Trailing short sentences and bullets right after the last good block,
    // also past an advert or a "Read more: ..." line between them (a short
    // closing sentence is often the story's last line).
    size_t body_end = last_good + 1;
    for (size_t j = last_good + 1; j < k; ++j) {
      const Block& b = blocks_[j];
      if (InBodyInterruption(b)) continue;
      if (!IsTextKind(b.kind) || (b.kind == Kind::kBio && ConfirmedBio(j, end))) break;
      // A short heading over a closing list ("What you can do") is the
      // story's too.
      const bool list_heading = b.kind == Kind::kText && b.bullet == 0 && !b.ends_punct &&
                                b.len <= 80 && j + 1 < k && blocks_[j + 1].bullet != 0 &&
                                IsTextKind(blocks_[j + 1].kind);
      if (!(b.bullet != 0 || list_heading || (b.ends_punct && b.tokens >= 3))) break;
      body_end = j + 1;
    }
    // A bare name right under the last paragraph, with no paragraph after
    // it, signs the piece (obituaries, letters, first-person columns).
    if (body_end < end && blocks_[body_end].kind == Kind::kText && blocks_[body_end].bullet == 0 &&
        NameLike(Text(blocks_[body_end])) && !HasStopword(Text(blocks_[body_end])) &&
        (body_end + 1 == end || !blocks_[body_end + 1].good)) {
      Block& sign_off = blocks_[body_end];
      sign_off.kind = Kind::kByline;
      sign_off.name = Text(sign_off);
      sign_off.rule = "sign_off";
    }
    // Tail: author lines, credits and boilerplate after the body.
    size_t tail_end = body_end;
    bool has_bio = false;
    while (tail_end < end) {
      const Kind kind = blocks_[tail_end].kind;
      if (kind == Kind::kBio) {
        if (!has_bio && !ConfirmedBio(tail_end, end)) break;
        has_bio = true;
      } else if (kind != Kind::kCredit && kind != Kind::kDrop && kind != Kind::kByline &&
                 kind != Kind::kAuthorBoxName && kind != Kind::kAuthorBoxBio) {
        break;
      }
      ++tail_end;
    }

    Article a;
    // Title and standfirst: the last text blocks before the body.
    std::vector<size_t> lead_text;
    bool after_marker = false;
    // Under a "Related Topics" heading above the body: the story's tags.
    bool in_tags = false;
    for (size_t i = lead_start; i < g; ++i) {
      if (blocks_[i].kind == Kind::kMarker) after_marker = true, lead_text.clear();
      if (SectionEndHeading(blocks_[i])) {
        const std::string heading = AsciiLower(Text(blocks_[i]));
        in_tags =
            heading.find("topic") != std::string::npos || heading.find("tags") != std::string::npos;
        continue;
      }
      if (in_tags && blocks_[i].kind == Kind::kText && blocks_[i].bullet == 0 &&
          blocks_[i].tokens <= 4 && !blocks_[i].ends_punct) {
        blocks_[i].kind = Kind::kDrop;
        blocks_[i].rule = "tags";
        continue;
      }
      in_tags = false;
      // A video over the story's own headline, byline and date (a video
      // page's title stands over its standfirst and player alone).
      if (IsVideoTitle(i) && StoryMetaBetween(i, g)) {
        blocks_[i].kind = Kind::kDrop;
        blocks_[i].rule = "video_embed";
      }
      if (IsTextKind(blocks_[i].kind) && blocks_[i].bullet == 0) lead_text.push_back(i);
    }
    // A one-word line left around the headline (a handle, a share button, a
    // section label no rule knows) is neither title nor standfirst.
    if (std::any_of(lead_text.begin(), lead_text.end(),
                    [&](size_t i) { return blocks_[i].tokens >= 2; })) {
      std::erase_if(lead_text, [&](size_t i) { return blocks_[i].tokens < 2; });
    }
    // The first crosshead, listed in the table of contents, starts the body.
    if (lead_text.size() > 1 &&
        std::find(contents_.begin(), contents_.end(),
                  WithoutListNumber(Text(blocks_[lead_text.back()]))) != contents_.end()) {
      g = lead_text.back();
      lead_text.pop_back();
    }
    TakeCaptionAfterCredit(&lead_text);
    TakeBareNameByline(&lead_text, g);
    DropBoxUnderByline(&lead_text, lead_start, g);
    if (std::optional<size_t> question = TakeOpeningQuestion(&lead_text)) g = *question;
    // A wire story's first paragraph ("TOKYO (Kyodo) -- ...") may read as
    // noise next to the paragraphs after it (names and figures, few common
    // words); it starts the body all the same.
    if (!lead_text.empty() && blocks_[lead_text.back()].ends_punct &&
        blocks_[lead_text.back()].tokens >= kMinLedeTokens &&
        OpensWithWireDateline(Text(blocks_[lead_text.back()]))) {
      g = lead_text.back();
      lead_text.pop_back();
    }
    size_t title = end, standfirst = end;
    if (!lead_text.empty()) {
      const size_t c = lead_text.back();
      const size_t d = lead_text.size() >= 2 ? lead_text[lead_text.size() - 2] : end;
      const bool d_first = after_marker && lead_text.size() == 2;
      if (d != end && TitleLike(d, d_first) && EntryTimeBetween(d, c)) {
        // A live page: the line after an entry's time is that entry's
        // heading, the body's start, not a standfirst; the page's title may
        // stand over d, which is then its standfirst.
        title = d;
        g = c;
        if (lead_text.size() >= 3) {
          const size_t e = lead_text[lead_text.size() - 3];
          if (TitleLike(e, false) && StandfirstLike(d) && !NavigationBetween(e, d)) {
            title = e;
            standfirst = d;
          }
        }
      } else if (d != end && IsKicker(d, c)) {
        title = c;
        blocks_[d].kind = Kind::kDrop;
        blocks_[d].rule = "kicker";
      } else if (d != end && StandfirstLike(c) && TitleLike(d, d_first) &&
                 !NavigationBetween(d, c)) {
        title = d;
        // Standfirsts sit right under the title; a full sentence after the
        // byline is the story's first paragraph (wire stories, blogs).
        bool byline_between = false;
        for (size_t i = d + 1; i < c; ++i) byline_between |= blocks_[i].kind == Kind::kByline;
        // (A standfirst is short next to the paragraphs that follow.)
        if (byline_between && blocks_[c].ends_punct && blocks_[c].tokens >= kMinLedeTokens &&
            blocks_[c].len * 10 >= blocks_[g].len * 7) {
          g = c;
        } else {
          standfirst = c;
        }
      } else if (TitleLike(c, after_marker && lead_text.size() == 1)) {
        title = c;
      }
    }
    std::vector<size_t> body;
    for (size_t i = g; i < body_end; ++i) {
      if (IsTextKind(blocks_[i].kind)) body.push_back(i);
    }
    if (standfirst == end && title != end && body.size() >= 2 &&
        blocks_[body[0]].bullet == 0) {
      const Block& p0 = blocks_[body[0]];
      bool take = false;
      switch (profile_.standfirst_mode()) {
        case StandfirstMode::kAlways:
          take = true;
          break;
        case StandfirstMode::kAuto:
          // Only right under the title: a byline or date line in between
          // means the first paragraph is the story's lede, not a standfirst.
          // (Shorter than a paragraph after it: Q&As open with short questions.)
          take = body[0] == title + 1 && body.size() >= 3 && StandfirstLike(body[0]) &&
                 p0.len <= kMaxAutoStandfirstChars && p0.ends_punct &&
                 p0.len < std::max(blocks_[body[1]].len, blocks_[body[2]].len);
          break;
        case StandfirstMode::kNever:
          break;
      }
      if (take) standfirst = body[0], body.erase(body.begin());
    }
    DropPullQuotes(&body);
    uint32_t tokens = 0;
    for (size_t i : body) tokens += blocks_[i].tokens;
    // Under "Recommended for you" and the like: headlines, each over one
    // summary, are teasers for other stories; an article has two paragraphs
    // in a row somewhere.
    // (A live page's entries are in a row with only their times between.)
    auto in_a_row = [&](size_t from, size_t to) {
      for (size_t i = from + 1; i < to; ++i) {
        if (blocks_[i].kind != Kind::kDrop || blocks_[i].rule != "time_stamp") return false;
      }
      return true;
    };
    bool teasers = false;
    if (section_closed) {
      teasers = true;
      for (size_t j = 1; j < body.size() && teasers; ++j) {
        teasers =
            !(in_a_row(body[j - 1], body[j]) && blocks_[body[j]].good && blocks_[body[j - 1]].good);
      }
    }
    // (A signed letter under its heading may be shorter than an article.)
    const bool signed_letter = title != end && tail_end > body_end &&
                               blocks_[body_end].rule == "letter_sign_off" &&
                               tokens >= kMinLetterTokens;
    // A letter's own heading under the page's ("Readers' letters: ...") is
    // its title.
    if (signed_letter && standfirst != end && !blocks_[standfirst].ends_punct) {
      title = standfirst;
      standfirst = end;
    }
    if (teasers || (tokens < kMinArticleTokens && !signed_letter) ||
        (title == end && tokens < 3 * kMinArticleTokens)) {
      for (size_t i = lead_start; i < tail_end; ++i) {
        if (!blocks_[i].used && blocks_[i].rule.empty() && IsTextKind(blocks_[i].kind)) {
          blocks_[i].rule = teasers ? "teasers" : "too_short_for_article";
        }
      }
      Leftovers(lead_start, tail_end);
      lead_start = tail_end;
      continue;
    }
    if (title != end) a.title = std::string(Text(blocks_[title])), blocks_[title].used = true;
    if (standfirst != end) {
      a.standfirst = std::string(Text(blocks_[standfirst]));
      blocks_[standfirst].used = true;
    }
    std::string byline;
    std::optional<size_t> top_bio;
    simhash_internal::Accumulator fingerprint;
    for (size_t i = lead_start; i < tail_end; ++i) {
      Block& b = blocks_[i];
      if (b.used) continue;
      const bool in_body = i >= g && i < body_end;
      if (in_body && IsTextKind(b.kind)) {
        a.paragraphs.emplace_back(Text(b));
        for (uint32_t k = 0; k < b.hash_count; ++k) {
          fingerprint.AddWordHash(word_hashes_[b.hash_begin + k]);
        }
        b.used = true;
      } else if (b.kind == Kind::kCredit) {
        SetImage(&a, b);
        b.used = true;
      } else if (b.kind == Kind::kByline) {
        if (byline.empty()) byline = std::string(b.name);
        b.used = true;
      } else if (b.kind == Kind::kBio && i >= body_end && !NamesTheSite(b.name)) {
        if (a.author.name.empty()) a.author.name = std::string(b.name);
        if (!a.author.bio.empty()) {
          a.author.bio += EndsWithSentencePunct(a.author.bio) ? " " : ". ";
        }
        a.author.bio += Text(b);
        b.used = true;
      } else if (b.kind == Kind::kAuthorBoxName && a.author.name.empty() && i + 1 < tail_end) {
        a.author.name = std::string(Text(b));
        a.author.bio = a.author.name + " " + std::string(Text(blocks_[i + 1]));
        b.used = blocks_[i + 1].used = true;
      } else if (b.kind == Kind::kComment) {
        b.used = true;
        page_.comments.push_back(CommentAt(i));
      } else if (b.kind == Kind::kBio && lead_start == 0 && i < g && !b.name.empty() && !top_bio) {
        top_bio = i;  // decided once the story's own author lines are read
      } else {
        Drop(i);
      }
    }
    if (a.author.name.empty()) a.author.name = std::move(byline);
    // An "About the author" box above the page's first story is its
    // author's when the story names no other.
    if (top_bio) {
      if (a.author.name.empty() || a.author.name == blocks_[*top_bio].name) {
        a.author.name = std::string(blocks_[*top_bio].name);
        if (a.author.bio.empty()) a.author.bio = std::string(Text(blocks_[*top_bio]));
        blocks_[*top_bio].used = true;
      } else {
        Drop(*top_bio);
      }
    }
    // The publication time: the first date line around the story that holds
    // a full date (profile rules drop these lines; their text stays here);
    // an "Updated ..." line only when the story shows no other.
    for (const bool updates : {false, true}) {
      for (size_t i = lead_start; i < tail_end && !a.published_at; ++i) {
        const Block& b = blocks_[i];
        // ("Ann Lee · Apr 2, 2025": a byline may carry the date.)
        const bool dated_byline = b.kind == Kind::kByline && b.rule == "name_dated";
        if ((dated_byline || (b.kind == Kind::kDrop &&
                              (b.rule == "dateline" || b.rule == "dateline_intl" ||
                               b.rule == "published_line" || b.rule == "relative_time"))) &&
            IsUpdateLine(Text(b)) == updates) {
          a.published_at = ParseDateLine(Text(b), fetched_at_);
        }
      }
    }
    for (size_t i : body) a.word_count += static_cast<int>(blocks_[i].tokens);
    a.id = ArticleId(a.title, a.paragraphs);
    a.fingerprint = fingerprint.Finish();  // SimHash(a.paragraphs), see Measure()
    page_.articles.push_back(std::move(a));
    lead_start = tail_end;
  }
  Leftovers(lead_start, end);
}

// Appends up to `max_bytes` of an article's title and body to `out`, cut at a
// space so that no word (or UTF-8 sequence) is split.
void AppendLanguageSample(const Article& a, size_t max_bytes, std::string* out) {
  const size_t limit = out->size() + max_bytes;
  auto add = [&](std::string_view s) {
    if (out->size() >= limit) return;
    if (!out->empty()) out->push_back('\n');
    const size_t room = limit > out->size() ? limit - out->size() : 0;
    if (s.size() > room) {
      const size_t cut = s.rfind(' ', room);
      s = s.substr(0, cut == std::string_view::npos ? 0 : cut);
    }
    out->append(s);
  };
  add(a.title);
  for (const auto& p : a.paragraphs) add(p);
}

void PageWork::DetectLanguages() {
  if (page_.articles.empty()) return;
  if (!options_.detect_language) {
    for (Article& a : page_.articles) a.language = "und";
    return;
  }
  std::string sample;
  if (page_.articles.size() > 1) {
    const size_t share =
        std::max(kMinArticleLanguageSample, kPageLanguageSample / page_.articles.size());
    for (const Article& a : page_.articles) AppendLanguageSample(a, share, &sample);
    const LanguageGuess page = GuessLanguage(sample, sample.size());
    if (page.code != "und" && page.percent >= kOneLanguagePercent) {
      for (Article& a : page_.articles) a.language = page.code;
      return;
    }
  }
  for (Article& a : page_.articles) {
    sample.clear();
    AppendLanguageSample(a, kArticleLanguageSample, &sample);
    a.language = DetectLanguage(sample, sample.size());
  }
}

ParseResult PageWork::Run() {
  SplitBlocks();
  // A block of n bytes holds at most (n + 1) / 2 words.
  word_hashes_ = std::make_unique_for_overwrite<uint64_t[]>(arena_len_ / 2 + blocks_.size() + 1);
  for (Block& b : blocks_) Measure(&b);
  ApplyRules();
  Classify(/*use_stopwords=*/true);
  ApplyContext();
  if (std::none_of(blocks_.begin(), blocks_.end(), [](const Block& b) { return b.good; })) {
    Classify(/*use_stopwords=*/false);
    ApplyContext();
  }
  // Image markers split the page; credits right before a marker belong to the
  // article after it.
  size_t seg_begin = 0;
  for (size_t i = 0; i < blocks_.size(); ++i) {
    if (blocks_[i].kind != Kind::kMarker) continue;
    size_t s = i;
    while (s > seg_begin && blocks_[s - 1].kind == Kind::kCredit) --s;
    ProcessSegment(seg_begin, s);
    seg_begin = s;
    // Everything up to and including the marker is the next segment's lead.
  }
  ProcessSegment(seg_begin, blocks_.size());
  DetectLanguages();
  if (site_from_profile_ && !profile_.site().name.empty() && page_.site.name.empty()) {
    page_.site = profile_.site();
  }
  if (page_.articles.empty()) {
    return ParseError{RejectReason::kNoArticleFound,
                      absl::StrCat("no article found in ", blocks_.size(), " blocks (",
                                   page_.dropped.size(), " dropped as boilerplate or noise)")};
  }
  return std::move(page_);
}

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kText:
      return "text";
    case Kind::kDrop:
      return "drop";
    case Kind::kMarker:
      return "marker";
    case Kind::kCredit:
      return "credit";
    case Kind::kBio:
      return "bio";
    case Kind::kByline:
      return "byline";
    case Kind::kCommentHeader:
      return "comment_header";
    case Kind::kComment:
      return "comment";
    case Kind::kSiteHeader:
      return "site_header";
    case Kind::kAuthorBoxName:
      return "author_box_name";
    case Kind::kAuthorBoxBio:
      return "author_box_bio";
  }
  return "?";
}

std::string PageWork::Explain() {
  const ParseResult result = Run();
  std::string out;
  for (size_t i = 0; i < blocks_.size(); ++i) {
    const Block& b = blocks_[i];
    std::string_view text = Text(b);
    if (text.size() > 70) {
      size_t cut = 70;
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
      text = text.substr(0, cut);
    }
    // The block's class by length and stopwords (Good, Near-good, Short, Bad).
    static constexpr std::array<char, 4> kClass = {'B', 'S', 'N', 'G'};
    absl::StrAppendFormat(&out, "%4d %-15s %-24s %c%c%c %3d/%-3d %s\n", i,
                          std::string(KindName(b.kind)), std::string(b.rule),
                          kClass[static_cast<size_t>(b.cls)], b.good ? '+' : ' ',
                          b.used ? '*' : ' ', b.stops, b.words, std::string(text));
  }
  if (const auto* error = std::get_if<ParseError>(&result)) {
    absl::StrAppend(&out, std::string(RejectReasonName(error->reason)), ": ", error->message, "\n");
  }
  return out;
}

std::optional<ParseError> Validate(std::string_view text, size_t max_bytes) {
  if (text.size() > max_bytes) {
    return ParseError{RejectReason::kPageTooLarge,
                      absl::StrCat("page is ", text.size(), " bytes; the limit is ", max_bytes)};
  }
  // One pass over a bounded sample finds NUL bytes and counts control
  // characters (mostly controls means binary data); the rest of the page is
  // only searched for NUL. The errors keep their order: NUL, then invalid
  // UTF-8, then too many controls.
  const size_t sample = std::min<size_t>(text.size(), 64 << 10);
  size_t controls = 0;
  size_t nul = text::kNpos;
  size_t i = 0;
  const auto* u = reinterpret_cast<const unsigned char*>(text.data());
#if defined(__SSE2__)
  // Bytes below 0x20 (unsigned) other than \t \n \f \r, 16 at a time.
  for (; i + 16 <= sample; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(u + i));
    const __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);  // v <= 0x1F
    const auto low_mask = static_cast<uint32_t>(_mm_movemask_epi8(low));
    if (low_mask == 0) continue;
    const auto zero = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128())));
    if (zero != 0 && nul == text::kNpos) nul = i + static_cast<size_t>(std::countr_zero(zero));
    const __m128i allowed =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
                                  _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))),
                     _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')),
                                  _mm_cmpeq_epi8(v, _mm_set1_epi8('\f'))));
    const auto mask = static_cast<uint32_t>(_mm_movemask_epi8(_mm_andnot_si128(allowed, low)));
    controls += static_cast<size_t>(std::popcount(mask));
  }
#endif
  for (; i < sample; ++i) {
    const auto c = u[i];
    if (c == 0 && nul == text::kNpos) nul = i;
    controls += static_cast<size_t>(c < 0x20) & (c != '\n') & (c != '\r') & (c != '\t') &
                (c != '\f');
  }
  if (nul == text::kNpos && sample < text.size()) {
    if (const void* p = std::memchr(text.data() + sample, '\0', text.size() - sample)) {
      nul = static_cast<size_t>(static_cast<const char*>(p) - text.data());
    }
  }
  if (nul != text::kNpos) {
    return ParseError{RejectReason::kBinaryData, absl::StrCat("NUL byte at offset ", nul)};
  }
  if (size_t bad = text::FindInvalidUtf8(text); bad != text::kNpos) {
    return ParseError{RejectReason::kInvalidUtf8,
                      absl::StrCat("invalid UTF-8 at byte offset ", bad)};
  }
  if (controls * 10 > sample) {
    return ParseError{RejectReason::kBinaryData,
                      absl::StrCat(controls, " control characters in the first ", sample,
                                   " bytes")};
  }
  if (text::Trim(text).empty()) {
    return ParseError{RejectReason::kEmptyPage, "page holds only whitespace"};
  }
  return std::nullopt;
}

}  // namespace

PageParser::PageParser(ProfileSet profiles, ParseOptions options)
    : profiles_(std::move(profiles)), options_(options) {}

namespace {
// The page's profile: the site's by URL, else the one whose detect rules
// match the page.
PageWork WorkOn(const ProfileSet& profiles, const ParseOptions& options, std::string_view text,
                std::string_view url, std::optional<int64_t> fetched_at) {
  const Profile* by_url = profiles.ForUrl(url);
  return PageWork(text, by_url != nullptr ? *by_url : profiles.Detect(text), by_url != nullptr,
                  options, fetched_at);
}
}  // namespace

ParseResult PageParser::Parse(std::string_view text, std::string_view url,
                              std::optional<int64_t> fetched_at) const {
  if (auto err = Validate(text, options_.max_page_bytes)) return *err;
  return WorkOn(profiles_, options_, text, url, fetched_at).Run();
}

std::string PageParser::Explain(std::string_view text, std::string_view url,
                                std::optional<int64_t> fetched_at) const {
  if (auto err = Validate(text, options_.max_page_bytes)) {
    return absl::StrCat(std::string(RejectReasonName(err->reason)), ": ", err->message, "\n");
  }
  return WorkOn(profiles_, options_, text, url, fetched_at).Explain();
}

}  // namespace broadsheet
