// Streaming readers that cut an input stream into raw pages.
//
// Formats: plain text (the whole stream is one page), JSON Lines (one
// {"url", "text", "fetched_at"} object per line) and CommonCrawl WET (WARC/1.0
// records; only "WARC-Type: conversion" records are pages). kAuto looks at the
// first bytes: "WARC/" -> WET, '{' -> JSONL, anything else -> text.
//
// Memory is bounded by max_page_bytes (plus a small constant): records are
// never slurped whole. A record over the limit becomes a PAGE_TOO_LARGE error
// record and its bytes are skipped; a bad JSON line or WARC header becomes a
// MALFORMED_RECORD error record and reading goes on.
//
// A PageReader is not thread-safe; use one per stream.
#ifndef BROADSHEET_CORE_PAGE_READER_H_
#define BROADSHEET_CORE_PAGE_READER_H_

#include <cstddef>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/parsed_page.h"

namespace broadsheet {

enum class InputFormat { kAuto, kText, kJsonl, kWet };

// "auto", "text", "jsonl", "wet" (also "txt", "json", "warc"); nullopt else.
std::optional<InputFormat> ParseInputFormat(std::string_view name);
std::string_view InputFormatName(InputFormat format);

struct RawPageRecord {
  std::string source;  // e.g. "crawl.wet#12" or "pages.jsonl:7"
  std::string url;
  std::string fetched_at;
  std::string text;
  std::optional<ParseError> error;  // set when the record could not be read
};

class PageReader {
 public:
  // `in` must outlive the reader.
  static std::unique_ptr<PageReader> Create(std::istream& in, InputFormat format,
                                            std::string source_name, size_t max_page_bytes);
  virtual ~PageReader() = default;

  // Fills `*record` (all fields reset) and returns true, or returns false at
  // the end of the input.
  virtual bool Next(RawPageRecord* record) = 0;

  // The format being read (resolved when created with kAuto).
  virtual InputFormat format() const = 0;
};

}  // namespace broadsheet

#endif  // BROADSHEET_CORE_PAGE_READER_H_
