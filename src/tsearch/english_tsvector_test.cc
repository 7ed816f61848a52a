#include "tsearch/english_tsvector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>

namespace broadsheet {
namespace {

// Expected values are what PostgreSQL 15's to_tsvector('english', ...)
// returned for the same text; tests/tsvector_identity_test.cc checks many
// more against the live server.
class EnglishTsVectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lexer_ = EnglishTsVector::CreateBuiltin();
    if (!lexer_) GTEST_SKIP() << "built without PostgreSQL's stopword list";
  }
  std::unique_ptr<EnglishTsVector> lexer_;
};

TEST_F(EnglishTsVectorTest, MatchesPostgresOnNewsProse) {
  EXPECT_EQ(lexer_->Compute("The harbour master's report on the by-election was published in 2024, "
                            "and councillors didn\xe2\x80\x99t agree."),
            "'2024':14 'agre':19 'by-elect':8 'councillor':16 'didn':17 'elect':10 'harbour':2 "
            "'master':3 'publish':12 'report':5");
  EXPECT_EQ(lexer_->Compute("Self-driving ferries \xe2\x80\x94 a \xe2\x80\x9cquiet\xe2\x80\x9d "
                            "revolution\xe2\x80\xa6 or not? The 3rd attempt failed; the 258th "
                            "succeeded!"),
            "'258th':15 '3rd':11 'attempt':12 'drive':3 'fail':13 'ferri':4 'quiet':6 "
            "'revolut':7 'self':2 'self-driv':1 'succeed':16");
  EXPECT_EQ(lexer_->Compute("running runs ran runner RUNNING"), "'ran':3 'run':1,2,5 'runner':4");
}

TEST_F(EnglishTsVectorTest, WordLexemeIsTheStemOrEmptyForAStopword) {
  EXPECT_EQ(lexer_->WordLexeme("Running"), "run");
  EXPECT_EQ(lexer_->WordLexeme("councillors"), "councillor");
  EXPECT_EQ(lexer_->WordLexeme("THE"), "");
  // The same lexeme Compute() puts in a vector.
  EXPECT_EQ(lexer_->Compute("floods"), "'" + lexer_->WordLexeme("floods") + "':1");
}

// Snippets (services/query/snippet.cc) stem only words that start like a
// query lexeme; that relies on the stemmer keeping a word's first letter.
TEST_F(EnglishTsVectorTest, StemKeepsTheFirstLetter) {
  std::ifstream in("/usr/share/dict/words");
  ASSERT_TRUE(in.good()) << "/usr/share/dict/words missing (Debian wamerican, scripts/deps.sh)";
  std::string word;
  int checked = 0;
  while (std::getline(in, word)) {
    if (word.empty() || !std::all_of(word.begin(), word.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        })) {
      continue;
    }
    std::string lexeme = lexer_->WordLexeme(word);
    if (lexeme.empty()) continue;  // a stopword
    char first = static_cast<char>(std::tolower(static_cast<unsigned char>(word[0])));
    ASSERT_EQ(lexeme[0], first) << word << " -> " << lexeme;
    ++checked;
  }
  EXPECT_GT(checked, 50000);
}

TEST_F(EnglishTsVectorTest, SmallCacheGivesTheSameResults) {
  std::unique_ptr<EnglishTsVector> small = EnglishTsVector::CreateBuiltin(8);
  ASSERT_NE(small, nullptr);
  const char* texts[] = {"Harbour masters report floods", "Councillors running late again",
                         "The ferries sailed; the harbour emptied", "Floods, floods and more floods"};
  for (int round = 0; round < 3; ++round) {
    for (const char* text : texts) {
      EXPECT_EQ(small->Compute(text), lexer_->Compute(text)) << text;
      EXPECT_EQ(small->WordLexeme("Flooding"), "flood");
    }
  }
}

TEST_F(EnglishTsVectorTest, CapsPositionsLikePostgres) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += "dog cat ";
  std::optional<std::string> v = lexer_->Compute(text);
  ASSERT_TRUE(v.has_value());
  // 255 positions per lexeme, the last kept one being the 255th occurrence.
  EXPECT_NE(v->find(",510 'dog'"), std::string::npos);
  EXPECT_EQ(v->find(",512"), std::string::npos);
  std::string long_text;
  for (int i = 0; i < 16390; ++i) long_text += "a ";
  EXPECT_EQ(lexer_->Compute(long_text + "zebra"), "'zebra':16383");
}

TEST_F(EnglishTsVectorTest, EmptyAndStopwordOnlyTextIsEmpty) {
  EXPECT_EQ(lexer_->Compute(""), "");
  EXPECT_EQ(lexer_->Compute("the of and"), "");
}

TEST_F(EnglishTsVectorTest, LeavesSpecialTokensToPostgres) {
  for (const char* text : {"see example.com today", "up 3.5 per cent", "U.S. policy",
                           "mail me@example.org", "version 1.2.3", "a 10% rise", "caf\xc3\xa9 society",
                           "a 1-2 defeat", "the -5 reading", "1,000 people", "10:30 start",
                           "path /usr/bin", "1e10 stars", "x--y"}) {
    EXPECT_FALSE(lexer_->Compute(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace broadsheet
