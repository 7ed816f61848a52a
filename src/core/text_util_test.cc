#include "core/text_util.h"

#include <gtest/gtest.h>

namespace broadsheet::text {
namespace {

TEST(TextUtilTest, FindsInvalidUtf8Offset) {
  EXPECT_EQ(FindInvalidUtf8("plain ascii"), kNpos);
  EXPECT_EQ(FindInvalidUtf8("caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D"), kNpos);
  EXPECT_EQ(FindInvalidUtf8("abc\xFF"), 3u);
  EXPECT_EQ(FindInvalidUtf8("0123456789\xC3"), 10u);           // truncated
  EXPECT_EQ(FindInvalidUtf8("ab\xC0\xAF"), 2u);                  // overlong
  EXPECT_EQ(FindInvalidUtf8("x\xED\xA0\x80"), 1u);               // surrogate
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);            // > U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("\xF0\x9F\x98\x80 emoji"), kNpos);
}

TEST(TextUtilTest, FoldsAllWhitespaceIncludingNbsp) {
  EXPECT_EQ(Folded("  a\xC2\xA0\xC2\xA0 b\t\tc \xE2\x80\x89 d\xC2\xA0 "), "a b c d");
  EXPECT_EQ(Folded("\xC2\xA0"), "");
  EXPECT_EQ(Trim("\xC2\xA0 x \xE3\x80\x80"), "x");
}

TEST(TextUtilTest, IdentityFormFoldsQuotesDashesAndCase) {
  std::string out;
  AppendIdentityForm("It\xE2\x80\x99s \xE2\x80\x9C" "Fine\xE2\x80\x9D \xE2\x80\x93 OK\xE2\x80\xA6", &out);
  EXPECT_EQ(out, "it's \"fine\" - ok...");
}

}  // namespace
}  // namespace broadsheet::text
