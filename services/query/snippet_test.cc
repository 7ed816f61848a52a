#include "query/snippet.h"

#include <gtest/gtest.h>

#include "query/article_reader.h"

namespace broadsheet {
namespace {

class SnippetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lexer_ = EnglishTsVector::CreateBuiltin();
    if (!lexer_) GTEST_SKIP() << "built without PostgreSQL's stopword list";
  }
  std::string Mark(const std::string& word) {
    return std::string(kHighlightStart) + word + kHighlightStop;
  }
  std::unique_ptr<EnglishTsVector> lexer_;
};

TEST(PositiveQueryTermsTest, SplitsLoneLexemesFromPhrases) {
  QueryTerms t = PositiveQueryTerms(
      "'flood' & !'farm' & 'river' <-> 'bank' & 'tide' <2> 'tabl' & !( 'sea' <-> 'wall' ) & 'x':*");
  EXPECT_EQ(t.words, (std::vector<std::string>{"flood", "x"}));
  ASSERT_EQ(t.phrases.size(), 2u);
  EXPECT_EQ(t.phrases[0], (std::vector<std::pair<std::string, int>>{{"river", 0}, {"bank", 1}}));
  EXPECT_EQ(t.phrases[1], (std::vector<std::pair<std::string, int>>{{"tide", 0}, {"tabl", 2}}));
  EXPECT_TRUE(PositiveQueryTerms("").words.empty());
  EXPECT_TRUE(PositiveQueryTerms("!'farm'").words.empty());
  // A quote inside a lexeme is doubled; a prefix match's :* follows it.
  EXPECT_EQ(PositiveQueryTerms("'o''brien' & 'x':* & ( 'flood' | 'o''brien' )").words,
            (std::vector<std::string>{"o'brien", "x", "flood"}));
}

TEST_F(SnippetTest, PhrasesAreMarkedOnlyWhereTheWholePhraseIs) {
  const std::string text =
      "Walkers saw the river rise near the river bank, and the tide of the table turn.";
  std::string s = BuildSnippet(text, PositiveQueryTerms("'river' <-> 'bank' & 'tide' <3> 'tabl'"),
                               *lexer_);
  const std::string on = kHighlightStart, off = kHighlightStop;
  EXPECT_NE(s.find(on + "river" + off + " " + on + "bank" + off), std::string::npos) << s;
  EXPECT_NE(s.find("the river rise"), std::string::npos) << "a lone 'river' is not the phrase: " << s;
  // Stopwords hold positions: "tide of the table" is 'tide' <3> 'tabl'.
  EXPECT_NE(s.find(on + "tide" + off + " of the " + on + "table" + off), std::string::npos) << s;
}

TEST_F(SnippetTest, MarksWordsWhoseStemMatches) {
  std::string s = BuildSnippet("Flooding closed the river road.\nThe floods receded.", {"flood"}, *lexer_);
  EXPECT_EQ(s, Mark("Flooding") + " closed the river road. The " + Mark("floods") + " receded.");
}

TEST_F(SnippetTest, WithoutMatchesIsTheOpening) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "word" + std::to_string(i) + " ";
  std::string s = BuildSnippet(text, {"absent"}, *lexer_);
  EXPECT_EQ(s.find(kHighlightStart), std::string::npos);
  EXPECT_EQ(s.rfind("word0 ", 0), 0u);
  EXPECT_NE(s.find("word29"), std::string::npos);
  EXPECT_EQ(s.find("word30"), std::string::npos);  // 30 words at most
  EXPECT_EQ(BuildSnippet("", {"x"}, *lexer_), "");
}

TEST_F(SnippetTest, PicksTheDensestPassagesInTextOrder) {
  std::string filler;
  for (int i = 0; i < 60; ++i) filler += "lorem" + std::to_string(i) + " ";
  std::string text = "A harbour opens. " + filler + "The harbour tide and the harbour wall. " + filler +
                     "Tide tables. " + filler;
  std::string s = BuildSnippet(text, {"harbour", "tide"}, *lexer_);
  // Two passages joined by an ellipsis: the one with three matches and then
  // one of the single-match ones, in the order they appear in the text.
  size_t separator = s.find(" \xe2\x80\xa6 ");
  ASSERT_NE(separator, std::string::npos) << s;
  EXPECT_EQ(s.find(" \xe2\x80\xa6 ", separator + 1), std::string::npos);
  std::string dense = "The " + Mark("harbour") + " " + Mark("tide") + " and the " + Mark("harbour");
  EXPECT_NE(s.find(dense), std::string::npos) << s;
  // Stopwords never match, whatever the lexemes say.
  EXPECT_EQ(BuildSnippet("the end", {""}, *lexer_).find(kHighlightStart), std::string::npos);
}

TEST_F(SnippetTest, PunctuationOfAnyScriptSeparatesWords) {
  // Curly quotes and dashes, common in news text, are not part of a word.
  EXPECT_EQ(BuildSnippet("The \u201cflood\u201d came\u2014floods always do.", {"flood"}, *lexer_),
            "The \u201c" + Mark("flood") + "\u201d came\u2014" + Mark("floods") + " always do.");
}

TEST_F(SnippetTest, CapitalsBeyondAsciiMatchTheirLowerCase) {
  EXPECT_EQ(BuildSnippet("\u00c9MILE spoke.", {"\u00e9mile"}, *lexer_),
            Mark("\u00c9MILE") + " spoke.");
}

// PostgreSQL stems words of any letters: to_tsvector('english', 'Cafés
// ÉLITES Œuvres naïvely') is 'café':1 'élite':2 'œuvr':3 'naïv':4.
TEST_F(SnippetTest, WordsBeyondAsciiAreStemmedAsPostgresqlDoes) {
  EXPECT_EQ(BuildSnippet("Cafés and \u00c9LITES, \u0152uvres naïvely.",
                         {"café", "\u00e9lite", "\u0153uvr", "naïv"}, *lexer_),
            Mark("Cafés") + " and " + Mark("\u00c9LITES") + ", " + Mark("\u0152uvres") + " " +
                Mark("naïvely") + ".");
  // Letters and digits together are a number-like word: lower-cased only.
  EXPECT_EQ(BuildSnippet("Route café2 closed.", {"café2"}, *lexer_),
            "Route " + Mark("café2") + " closed.");
}

// As PostgreSQL's snowball dictionary, which lower-cases a word over 1,000
// bytes but does not stem it (stemmed, this one would lose its "s").
TEST_F(SnippetTest, WordsOverAThousandBytesAreNotStemmed) {
  const std::string word = std::string(1000, 'b') + "s";
  EXPECT_EQ(BuildSnippet("Odd " + word + " here.", {word}, *lexer_),
            "Odd " + Mark(word) + " here.");
}

TEST_F(SnippetTest, NumbersMatchAsTheyAre) {
  EXPECT_EQ(BuildSnippet("Built in 1998, rebuilt 2024.", {"2024"}, *lexer_),
            "Built in 1998, rebuilt " + Mark("2024") + ".");
}

}  // namespace
}  // namespace broadsheet
