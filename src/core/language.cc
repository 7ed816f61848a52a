#include "core/language.h"

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

namespace CLD2 {
// Declared in cld2/internal/lang_script.h, which is not self-contained.
const char* LanguageCode(Language lang);
}  // namespace CLD2

namespace broadsheet {

std::string DetectLanguage(std::string_view text, size_t max_bytes) {
  return GuessLanguage(text, max_bytes).code;
}

LanguageGuess GuessLanguage(std::string_view text, size_t max_bytes) {
  if (text.size() > max_bytes) {
    size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut);
  }
  if (text.size() < 16) return {};
  bool reliable = false;
  CLD2::Language lang3[3];
  int percent3[3];
  int text_bytes = 0;
  const CLD2::Language lang = CLD2::ExtDetectLanguageSummary(
      text.data(), static_cast<int>(text.size()), /*is_plain_text=*/true, lang3, percent3,
      &text_bytes, &reliable);
  if (!reliable || lang == CLD2::UNKNOWN_LANGUAGE || lang == CLD2::TG_UNKNOWN_LANGUAGE) {
    return {};
  }
  const char* code = CLD2::LanguageCode(lang);
  if (code == nullptr || *code == '\0') return {};
  return {code, lang3[0] == lang ? percent3[0] : 0};
}

}  // namespace broadsheet
