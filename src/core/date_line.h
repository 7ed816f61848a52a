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
std::optional<int64_t> ParseDateLine(std::string_view line);

}  // namespace broadsheet

#endif  // BROADSHEET_CORE_DATE_LINE_H_
