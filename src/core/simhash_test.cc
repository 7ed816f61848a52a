#include "core/simhash.h"

#include <random>

#include "core/simhash_internal.h"

#include <gtest/gtest.h>

namespace broadsheet {
namespace {

constexpr char kText[] =
    "The regional council has now admitted that the bridge it promised in its last three "
    "manifestos will not be built before the end of the decade. Officials blame the cost of "
    "steel and a long dispute over the route through the marshes, but residents say they were "
    "never told how the figures had changed. In the meantime the ferry company wants to add a "
    "second vessel and extend the timetable into the evening.";

// The branch-free word hash must equal XXH3_64bits at every key length, or
// every stored fingerprint would change.
TEST(SimHashTest, WordHashOfKeyIsXxh3AtEveryLength) {
  std::mt19937_64 rng(42);
  for (size_t len = 1; len <= text::kMaxKeyBytes; ++len) {
    for (int trial = 0; trial < 2000; ++trial) {
      char word[16] = {};
      for (size_t i = 0; i < len; ++i) {
        // Lowercase bytes, as keys hold, with some high bytes (UTF-8).
        word[i] = static_cast<char>(trial % 3 == 0 ? 0x80 + rng() % 0x80 : 'a' + rng() % 26);
      }
      const text::WordKey key = text::MakeWordKeyPadded(word, len);
      ASSERT_EQ(simhash_internal::WordHashOfKey(key, len), XXH3_64bits(word, len))
          << "len " << len;
    }
  }
}

TEST(SimHashTest, IdenticalTextsHaveDistanceZero) {
  EXPECT_EQ(HammingDistance(SimHash(kText), SimHash(kText)), 0);
  EXPECT_NE(SimHash(kText), 0u);
}

TEST(SimHashTest, CaseWhitespaceAndQuotesDoNotMatter) {
  std::string variant = kText;
  variant[0] = 't';
  variant.replace(variant.find(' '), 1, "\xC2\xA0 ");
  EXPECT_EQ(SimHash(kText), SimHash(variant));
}

TEST(SimHashTest, SmallEditIsNearDuplicate) {
  std::string edited = kText;
  edited.replace(edited.find("steel"), 5, "concrete");
  EXPECT_TRUE(IsNearDuplicate(SimHash(kText), SimHash(edited), 12));
  EXPECT_LT(HammingDistance(SimHash(kText), SimHash(edited)), 16);
}

TEST(SimHashTest, DifferentTextsAreFarApart) {
  const char other[] =
      "Waiting lists for allotments are longer than ever, according to figures released by the "
      "federation this week, and in some towns people who apply now may wait over a decade.";
  EXPECT_GT(HammingDistance(SimHash(kText), SimHash(other)), 10);
  EXPECT_FALSE(IsNearDuplicate(SimHash(kText), SimHash(other)));
}

TEST(SimHashTest, ParagraphOverloadMatchesJoinedText) {
  EXPECT_EQ(SimHash(std::vector<std::string>{"one two three", "four five"}),
            SimHash("one two three four five"));
}

TEST(SimHashTest, HammingDistanceCountsBits) {
  EXPECT_EQ(HammingDistance(0, 0), 0);
  EXPECT_EQ(HammingDistance(0, ~uint64_t{0}), 64);
  EXPECT_EQ(HammingDistance(0b1010, 0b0110), 2);
  EXPECT_TRUE(IsNearDuplicate(0, 0b111));
  EXPECT_FALSE(IsNearDuplicate(0, 0b1111));
}

}  // namespace
}  // namespace broadsheet
