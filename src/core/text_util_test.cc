#include "core/text_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

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

TEST(TextUtilTest, FoldsAcrossSixteenByteChunks) {
  // Runs of spaces, tabs and NBSPs at every offset around the 16-byte fast
  // path's chunk edges fold exactly as in short strings.
  for (size_t at = 0; at < 40; ++at) {
    for (const char* run : {"  ", "\t", " \xC2\xA0 ", "\xE2\x80\x89"}) {
      std::string in = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
      in.insert(at + 1, run);
      std::string want = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
      want.insert(at + 1, " ");
      EXPECT_EQ(Folded(in), want) << at;
      std::string id;
      AppendIdentityForm(in, &id);
      for (char& c : want) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      EXPECT_EQ(id, want) << at;
    }
  }
}

TEST(TextUtilTest, WordKeysAreExactAndCaseFolded) {
  EXPECT_EQ(MakeWordKey("The"), MakeWordKey("the"));
  EXPECT_EQ(MakeWordKey("f\xC3\xBCr"), MakeWordKey("F\xC3\xBCR"));
  EXPECT_FALSE(MakeWordKey("the") == MakeWordKey("then"));
  EXPECT_FALSE(MakeWordKey("abcdefghijklmnop") == MakeWordKey("abcdefghijklmnoq"));
  EXPECT_EQ(MakeWordKey("abcdefghijklmnopq"), WordKey{});  // over 16 bytes
  EXPECT_EQ(MakeWordKey(""), WordKey{});
  // Bytes after the word do not leak into the padded form.
  const char padded[] = "Then the rest of the line";
  EXPECT_EQ(MakeWordKeyPadded(padded, 4), MakeWordKey("then"));
}

TEST(TextUtilTest, ForEachWordFindsWordsAcrossWindows) {
  std::string s;
  std::vector<std::string> want;
  for (int i = 0; i < 60; ++i) {
    const std::string w = std::string(1 + i % 11, static_cast<char>('a' + i % 26));
    want.push_back(w);
    s += w + (i % 3 == 0 ? ", " : " ");
  }
  s += "caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D end";
  want.insert(want.end(), {"caf\xC3\xA9", "quoted", "end"});
  std::vector<std::string> got;
  size_t spaces = 0;
  const size_t n = ForEachWord(
      s, WordRule::kMeasure,
      [&](size_t b, size_t e) { got.emplace_back(s.substr(b, e - b)); },
      [&](const Window& w) { spaces += static_cast<size_t>(__builtin_popcountll(w.space)); });
  EXPECT_EQ(got, want);
  EXPECT_EQ(n, want.size());
  EXPECT_EQ(spaces, static_cast<size_t>(std::count(s.begin(), s.end(), ' ')));
}

}  // namespace
}  // namespace broadsheet::text
