// The publication time written on a page: "Published 14 March 2024, 06:30
// GMT", "October 3, 2024 4:12 PM UTC", "Sat 12 Oct 2024 08.00 BST",
// "Publié le 12 mars 2024 à 07h30", "2024-03-14". The parser reads it from
// the date lines its profile rules drop (dateline, published_line, ...).
//
// Pure (no I/O); thread-safe.
#ifndef BROADSHEET_CORE_DATE_LINE_H_
#define BROADSHEET_CORE_DATE_LINE_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace broadsheet {

// The first full date (day, month and year; month names in English, French,
// German, Spanish or Italian, or ISO yyyy-mm-dd) in `line`, with the time of
// day and zone that follow it when given: a named zone (GMT, UTC, BST, CET,
// CEST, EST, EDT, CST, CDT, MST, MDT, PST, PDT) or an offset (+01:00);
// without a zone the time is read as UTC, without a time as midnight. Unix
// seconds, or nullopt when the line holds no valid date between 1990 and
// 2100.
//
// With `now` (Unix seconds: for a crawled page, when it was fetched, the
// moment its relative times were written for) a relative time counts too,
// measured back from `now`: "2 hours ago", "an hour ago", "2h", "3 days
// ago", "just now", "il y a 3 jours", "vor 2 Stunden", "hace 2 horas",
// "2 ore fa". Whichever comes first in the line is taken.
std::optional<int64_t> ParseDateLine(std::string_view line,
                                     std::optional<int64_t> now = std::nullopt);

// An RFC 3339 time stamp ("2026-05-20T14:00:30.5+02:00", as crawlers record
// fetch times) in Unix seconds, fractions dropped; nullopt unless the whole
// text is one.
std::optional<int64_t> ParseRfc3339(std::string_view text);

// Where ParseDateLine's date sits in the line.
struct DateLineMatch {
  int64_t seconds = 0;    // Unix seconds
  size_t begin = 0;       // byte offset of the date's first word (a weekday or
                          // a time written before it included)
  size_t end = 0;         // one past its last byte (its time and zone included)
  bool relative = false;  // "2 hours ago": `seconds` counts back from `now`
};

// ParseDateLine, and where in `line` the date was found.
std::optional<DateLineMatch> FindDateLine(std::string_view line,
                                          std::optional<int64_t> now = std::nullopt);

}  // namespace broadsheet

#endif  // BROADSHEET_CORE_DATE_LINE_H_
