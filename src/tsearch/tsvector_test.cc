#include "tsearch/tsvector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace broadsheet {
namespace {

TsVector Make(std::initializer_list<std::pair<std::string_view, std::vector<uint16_t>>> lexemes) {
  TsVector v;
  for (const auto& [text, positions] : lexemes) v.Add(text, positions);
  return v;
}

TEST(TsVectorTest, TextFormMatchesTsvectorOut) {
  TsVector v = Make({{"harbour", {2}}, {"it's", {1, 7}}, {"back\\slash", {4}}});
  EXPECT_EQ(v.ToText(), "'harbour':2 'it''s':1,7 'back\\\\slash':4");
  v.SetWeight(TsVector::Weight::kA);
  EXPECT_EQ(v.ToText(), "'harbour':2A 'it''s':1A,7A 'back\\\\slash':4A");
  v.SetWeight(TsVector::Weight::kC);
  EXPECT_EQ(v.ToText(), "'harbour':2C 'it''s':1C,7C 'back\\\\slash':4C");
  v.SetWeight(TsVector::Weight::kD);
  EXPECT_EQ(v.ToText(), "'harbour':2 'it''s':1,7 'back\\\\slash':4");
  EXPECT_EQ(TsVector().ToText(), "");
}

// Expected values are what PostgreSQL 15 prints for the same expression.
TEST(TsVectorTest, ConcatShiftsByTheLeftLargestPosition) {
  // setweight('a:1 b:2', 'A') || 'a:1 c:3'  ->  'a':1A,3 'b':2A 'c':5
  TsVector left = Make({{"a", {1}}, {"b", {2}}});
  left.SetWeight(TsVector::Weight::kA);
  TsVector joined = TsVector::Concat(left, Make({{"a", {1}}, {"c", {3}}}));
  EXPECT_EQ(joined.ToText(), "'a':1A,3 'b':2A 'c':5");
  // An empty left side shifts nothing; an empty right side changes nothing.
  EXPECT_EQ(TsVector::Concat(TsVector(), Make({{"x", {4}}})).ToText(), "'x':4");
  EXPECT_EQ(TsVector::Concat(Make({{"x", {4}}}), TsVector()).ToText(), "'x':4");
}

TEST(TsVectorTest, ConcatOrdersLexemesBytewisePrefixFirst) {
  TsVector joined = TsVector::Concat(Make({{"ab", {1}}, {"b", {2}}}), Make({{"a", {1}}, {"abc", {2}}}));
  EXPECT_EQ(joined.ToText(), "'a':3 'ab':1 'abc':4 'b':2");
}

TEST(TsVectorTest, ConcatCapsPositionsLikePostgres) {
  // Positions beyond 16383 become 16383, and nothing follows a 16383.
  TsVector joined = TsVector::Concat(Make({{"a", {16000}}}), Make({{"a", {200, 500, 600}}, {"b", {300, 600}}}));
  EXPECT_EQ(joined.ToText(), "'a':16000,16200,16383 'b':16300,16383");
  // At most 256 positions per lexeme.
  std::vector<uint16_t> many;
  for (uint16_t p = 1; p <= 200; ++p) many.push_back(p);
  TsVector left = Make({{"w", many}});
  TsVector both = TsVector::Concat(left, left);
  std::string text = both.ToText();
  EXPECT_NE(text.find(",256"), std::string::npos);  // 200 + 56 shifted by 200
  EXPECT_EQ(text.find(",257"), std::string::npos);
  EXPECT_EQ(std::count(text.begin(), text.end(), ','), 255);
}

TEST(TsVectorTest, BinaryFormMatchesTsvectorSend) {
  TsVector v = Make({{"ab", {1, 3}}, {"c", {300}}});
  v.SetWeight(TsVector::Weight::kA);
  std::string out = "x";  // appends
  v.AppendBinary(&out);
  const std::string expected(
      "x"
      "\x00\x00\x00\x02"
      "ab\x00"
      "\x00\x02"
      "\xc0\x01\xc0\x03"
      "c\x00"
      "\x00\x01"
      "\xc1\x2c",
      1 + 4 + 3 + 2 + 4 + 2 + 2 + 2);
  EXPECT_EQ(out, expected);
  std::string empty;
  TsVector().AppendBinary(&empty);
  EXPECT_EQ(empty, std::string("\x00\x00\x00\x00", 4));
}

}  // namespace
}  // namespace broadsheet
