#include "core/article_id.h"

// Inlined XXH3 (same function as the shared library's, so ids are unchanged):
// short inputs are hashed without a call into libxxhash.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "core/text_util.h"

namespace broadsheet {

std::string Hex64(uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[i] = kDigits[v & 0xF];
  return out;
}

std::string ArticleId(std::string_view title, const std::vector<std::string>& paragraphs) {
  // Reused per thread: ids are computed for every article of every page.
  thread_local std::string buf;
  buf.clear();
  size_t total = title.size();
  for (const auto& p : paragraphs) total += p.size() + 1;
  buf.reserve(total);
  text::AppendIdentityForm(title, &buf);
  for (const auto& p : paragraphs) {
    const size_t mark = buf.size();
    buf.push_back('\n');
    text::AppendIdentityForm(p, &buf);
    if (buf.size() == mark + 1) buf.resize(mark);  // empty paragraph
  }
  return Hex64(XXH3_64bits(buf.data(), buf.size()));
}

std::string PageId(std::string_view text) { return Hex64(XXH3_64bits(text.data(), text.size())); }

std::string CommentId(std::string_view page_key, std::string_view author, std::string_view text,
                      int occurrence) {
  std::string buf;
  buf.reserve(page_key.size() + author.size() + text.size() + 16);
  buf.append(page_key).append(1, '\x1f').append(author).append(1, '\x1f').append(text);
  if (occurrence > 0) buf.append(1, '\x1f').append(std::to_string(occurrence));
  return Hex64(XXH3_64bits(buf.data(), buf.size()));
}

}  // namespace broadsheet
