// Language identification backed by CLD2.
//
// DetectLanguage() returns an ISO 639-1 code ("en", "fr", ...; CLD2's code for
// languages without one) or "und" when the text is too short or CLD2 is not
// reliable. Only the first `max_bytes` bytes are examined (cut at a character
// boundary) so the cost per article is bounded. Input must be valid UTF-8.
// Thread-safe (CLD2 keeps no mutable global state).
#ifndef BROADSHEET_CORE_LANGUAGE_H_
#define BROADSHEET_CORE_LANGUAGE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace broadsheet {

std::string DetectLanguage(std::string_view text, size_t max_bytes = 4096);

// What DetectLanguage() found, with the share of the scored text that is in
// that language (0..100), so callers can tell one-language text from mixed.
struct LanguageGuess {
  std::string code = "und";
  int percent = 0;
};
LanguageGuess GuessLanguage(std::string_view text, size_t max_bytes = 4096);

}  // namespace broadsheet

#endif  // BROADSHEET_CORE_LANGUAGE_H_
