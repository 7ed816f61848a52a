#include "core/language.h"

#include <gtest/gtest.h>

namespace broadsheet {
namespace {

TEST(LanguageTest, DetectsEnglish) {
  EXPECT_EQ(DetectLanguage("The council has admitted that the bridge it promised in its last "
                           "three manifestos will not be built before the end of the decade, "
                           "and residents say they were never told why."),
            "en");
}

TEST(LanguageTest, DetectsFrenchAndGerman) {
  EXPECT_EQ(DetectLanguage("Le conseil municipal a reconnu que le pont promis depuis dix ans ne "
                           "sera pas construit avant la fin de la décennie, et les habitants "
                           "disent qu'on ne leur a jamais expliqué pourquoi."),
            "fr");
  EXPECT_EQ(DetectLanguage("Der Gemeinderat hat zugegeben, dass die seit zehn Jahren versprochene "
                           "Brücke nicht vor dem Ende des Jahrzehnts gebaut wird, und die "
                           "Bewohner sagen, dass ihnen nie erklärt wurde, warum."),
            "de");
}

TEST(LanguageTest, ShortOrEmptyTextIsUndetermined) {
  EXPECT_EQ(DetectLanguage(""), "und");
  EXPECT_EQ(DetectLanguage("ok"), "und");
}

}  // namespace
}  // namespace broadsheet
