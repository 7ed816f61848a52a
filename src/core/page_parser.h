// PageParser turns the visible text of one raw page into structured articles.
//
// Contract: pure function of (page text, profiles); no I/O, no globals.
// Site: from the page's own header line, else from a profile chosen by the
// URL's host; a profile chosen by its "detect" patterns never names the site.
// Language: one CLD2 call per page on a bounded sample of every article's
// title and body; when that sample is not ~all one language, each article
// gets its own call on a bounded sample. Cost per page is therefore bounded
// whatever the page size.
// A PageParser is immutable after construction and safe to share between
// threads. Parse() never throws on any input; bad input yields a ParseError.
#ifndef BROADSHEET_CORE_PAGE_PARSER_H_
#define BROADSHEET_CORE_PAGE_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

#include "core/parsed_page.h"
#include "core/profile.h"

namespace broadsheet {

struct ParseOptions {
  size_t max_page_bytes = 8u << 20;  // 8 MiB
  // Language identification (CLD2) is the costliest step per article; when
  // false every article's language is "und" (for callers that do not need it
  // and for measuring the rest of the parser on its own).
  bool detect_language = true;
};

// Either a parsed page or why it was rejected.
using ParseResult = std::variant<ParsedPage, ParseError>;

class PageParser {
 public:
  PageParser(ProfileSet profiles, ParseOptions options);

  // `url` (may be empty) selects a per-site profile by host name.
  // `fetched_at` (Unix seconds, when the crawler fetched the page) dates the
  // page's relative times ("2 hours ago"); without it they date nothing.
  ParseResult Parse(std::string_view text, std::string_view url = {},
                    std::optional<int64_t> fetched_at = std::nullopt) const;

  // How Parse() read the page: one line per block (a line of the page, or a
  // bullet item with its wrapped lines) with its kind, the rule that
  // matched it, its class by length and stopwords (G good, N near-good,
  // S short, B bad), "+" when it reads as content, "*" when an article,
  // comment or header took it, its stopwords and words (counted from 70
  // bytes), then its first 70 bytes. For people tuning profiles or
  // reporting a wrongly parsed page; not a stable format.
  std::string Explain(std::string_view text, std::string_view url = {},
                      std::optional<int64_t> fetched_at = std::nullopt) const;

 private:
  ProfileSet profiles_;
  ParseOptions options_;
};

}  // namespace broadsheet

#endif  // BROADSHEET_CORE_PAGE_PARSER_H_
