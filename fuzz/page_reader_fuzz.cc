// libFuzzer target: PageReader must turn any byte stream (auto, JSONL, WET,
// text) into records or error records without crashing or looping.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "core/page_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr broadsheet::InputFormat kFormats[] = {
      broadsheet::InputFormat::kAuto, broadsheet::InputFormat::kText,
      broadsheet::InputFormat::kJsonl, broadsheet::InputFormat::kWet};
  const auto format = kFormats[data[0] & 3];
  std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  auto reader = broadsheet::PageReader::Create(in, format, "fuzz", 4096);
  broadsheet::RawPageRecord record;
  for (int i = 0; i < 100000 && reader->Next(&record); ++i) {
  }
  return 0;
}
