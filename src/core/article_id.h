// Stable identifiers for articles and pages.
//
// ArticleId() is a STABLE function: ids are stored and compared across runs,
// machines and releases, so its definition must never change silently.
// Definition (version 1):
//   1. Take the title and each body paragraph; put each in identity form:
//      whitespace (ASCII, NBSP and other Unicode spaces) folded to one space
//      and trimmed, curly quotes made straight (' and "), en/em dashes made
//      '-', '…' made "...", ASCII letters lowercased.
//   2. Join title and paragraphs with '\n' (title first, empty paragraphs
//      skipped).
//   3. Hash the bytes with XXH3_64bits (seed 0) and print the 64-bit value as
//      16 lowercase hex digits.
// Only the title and body count: captions, credits, authors and standfirsts
// differ between copies of one article on different pages.
//
// PageId() is XXH3_64bits of the raw page bytes, in the same hex form.
// CommentId() is XXH3_64bits of page_key, '\x1f', author, '\x1f', text,
// and when `occurrence` > 0 (the same author and words already appeared
// that many times on the page) '\x1f' and its decimal digits, in the same
// hex form. `page_key` is the page's url, else its page id. The comment's
// time is left out: a relative one ("2 hours ago") dates it differently in
// each crawl.
// Both functions are pure and thread-safe.
#ifndef BROADSHEET_CORE_ARTICLE_ID_H_
#define BROADSHEET_CORE_ARTICLE_ID_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace broadsheet {

std::string ArticleId(std::string_view title, const std::vector<std::string>& paragraphs);
std::string PageId(std::string_view text);
std::string CommentId(std::string_view page_key, std::string_view author, std::string_view text,
                      int occurrence = 0);

// 16 lowercase hex digits of `v`.
std::string Hex64(uint64_t v);

}  // namespace broadsheet

#endif  // BROADSHEET_CORE_ARTICLE_ID_H_
