// libFuzzer target: PageParser::Parse must never crash, hang or leak on any
// bytes, with or without a URL selecting a site profile or a fetch time.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/page_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const broadsheet::PageParser* parser = new broadsheet::PageParser(
      broadsheet::ProfileSet::Builtin(), broadsheet::ParseOptions{.max_page_bytes = 1 << 20});
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto result = parser->Parse(text);
  if (size > 0 && (data[0] & 1)) (void)parser->Parse(text, "https://www.newstatesman.com/x");
  // With a fetch time, relative times ("2 hours ago") are dated too.
  if (size > 0 && (data[0] & 2)) (void)parser->Parse(text, {}, int64_t{1779278400});
  (void)result;
  return 0;
}
