#include "query/search_query.h"
#include "query/article_reader.h"

#include <gtest/gtest.h>

#include "tsearch/english_tsvector.h"

namespace broadsheet {
namespace {

TEST(SearchQueryTest, PlainWebSearchTextPassesThrough) {
  ParsedQuery q = ParseSearchQuery("  river   \"sewage spill\" OR flood -farm  ");
  EXPECT_EQ(q.text, "river \"sewage spill\" OR flood -farm");
  EXPECT_TRUE(q.authors.empty());
  EXPECT_TRUE(q.sites.empty());
  EXPECT_EQ(q.words, (std::vector<std::string>{"river", "sewage", "spill", "flood"}));
}

TEST(SearchQueryTest, ExtractsQuotedAndBareOperators) {
  ParsedQuery q = ParseSearchQuery("author:\"Ruth Penhale\" river SITE:courier.example Author:Marlow");
  EXPECT_EQ(q.text, "river");
  EXPECT_EQ(q.authors, (std::vector<std::string>{"Ruth Penhale", "Marlow"}));
  EXPECT_EQ(q.sites, (std::vector<std::string>{"courier.example"}));
  EXPECT_EQ(q.words, (std::vector<std::string>{"river"}));
}

TEST(SearchQueryTest, OperatorsOnlyLeaveEmptyText) {
  ParsedQuery q = ParseSearchQuery("site:\"County Courier\"");
  EXPECT_EQ(q.text, "");
  EXPECT_EQ(q.sites, (std::vector<std::string>{"County Courier"}));
}

TEST(SearchQueryTest, IgnoredWordsAreTheStopwordsOnce) {
  auto lexer = EnglishTsVector::CreateBuiltin();
  ASSERT_NE(lexer, nullptr) << "no stopword list was found at build time";
  ParsedQuery q = ParseSearchQuery("The river and \"the sewage\" OR which -farm Ölmühle 2024");
  EXPECT_EQ(IgnoredWords(q.words, *lexer), (std::vector<std::string>{"the", "and", "which"}));
  EXPECT_TRUE(IgnoredWords(ParseSearchQuery("river sewage").words, *lexer).empty());
  // Excluded words are not among the query's words, so never reported.
  EXPECT_TRUE(IgnoredWords(ParseSearchQuery("river -the").words, *lexer).empty());
}

TEST(SearchQueryTest, OrInAnyCaseIsTheOperatorNotAWord) {
  ParsedQuery q = ParseSearchQuery("river or lake OR sea Or coast");
  EXPECT_EQ(q.words, (std::vector<std::string>{"river", "lake", "sea", "coast"}));
}

TEST(SearchQueryTest, WordsSplitAtPunctuationOfAnyScriptAndKeepCompounds) {
  EXPECT_EQ(ParseSearchQuery("\xe2\x80\x9c" "Flood\xe2\x80\x9d \xe2\x80\x94 how-to Ölmühle, 3rd").words,
            (std::vector<std::string>{"flood", "how-to", "Ölmühle", "3rd"}));
}

TEST(SearchQueryTest, ExcludedWordsAreKeptApart) {
  ParsedQuery q = ParseSearchQuery("river -farm -\"sewage spill\"");
  EXPECT_EQ(q.words, (std::vector<std::string>{"river"}));
  EXPECT_EQ(q.excluded, (std::vector<std::string>{"farm", "sewage", "spill"}));
}

TEST(SearchQueryTest, TextWithoutAnIndexedWordIsNotSearchable) {
  auto lexer = EnglishTsVector::CreateBuiltin();
  ASSERT_NE(lexer, nullptr);
  for (const char* text : {"the", "\"\"", "!!!", "-", "the -which", "\"the\" or",
                           "\xe2\x80\x9cthe\xe2\x80\x9d \xe2\x80\x94 which"}) {  // curly quotes, a dash
    EXPECT_FALSE(HasSearchableWord(ParseSearchQuery(text), *lexer)) << text;
  }
  for (const char* text : {"river", "the river", "-river", "2024", "Ölmühle", "\"the sea\"",
                           "how-to"}) {  // PostgreSQL indexes the compound whole
    EXPECT_TRUE(HasSearchableWord(ParseSearchQuery(text), *lexer)) << text;
  }
}

TEST(SearchQueryTest, Utf8LowerLowersEveryScriptAndKeepsBytesValid) {
  EXPECT_EQ(Utf8Lower("Émile ØRSTED"), "émile ørsted");
  EXPECT_EQ(Utf8Lower("ΑΘΗΝΑ Москва"), "αθηνα москва");
  EXPECT_EQ(Utf8Lower("\xe2\x84\xaa"), "k");  // the Kelvin sign
  EXPECT_EQ(Utf8Lower("already lower 123 \xf0\x9f\x93\xb0"), "already lower 123 \xf0\x9f\x93\xb0");
  EXPECT_EQ(Utf8Lower("BAD \xc3"), "bad \xc3");  // truncated: ASCII lowered only
}

TEST(SearchQueryTest, EmptyOperatorsStayText) {
  EXPECT_EQ(ParseSearchQuery("author: river").text, "author: river");
  EXPECT_EQ(ParseSearchQuery("author:\"\" x").text, "author:\"\" x");
  EXPECT_EQ(ParseSearchQuery("-site: x").text, "-site: x");
}

TEST(SearchQueryTest, NegatedOperatorsExclude) {
  ParsedQuery q = ParseSearchQuery("river -author:\"Ann Lee\" -SITE:tabloid.example -mud");
  EXPECT_EQ(q.text, "river -mud");
  EXPECT_TRUE(q.authors.empty());
  EXPECT_TRUE(q.sites.empty());
  EXPECT_EQ(q.excluded_authors, (std::vector<std::string>{"Ann Lee"}));
  EXPECT_EQ(q.excluded_sites, (std::vector<std::string>{"tabloid.example"}));
  EXPECT_EQ(q.words, (std::vector<std::string>{"river"}));
  EXPECT_EQ(q.excluded, (std::vector<std::string>{"mud"}));
}

TEST(SearchQueryTest, UnterminatedQuotesAreClosed) {
  ParsedQuery q = ParseSearchQuery("\"river pollution");
  EXPECT_EQ(q.text, "\"river pollution\"");
  ParsedQuery a = ParseSearchQuery("author:\"Ruth Pen");
  EXPECT_EQ(a.authors, (std::vector<std::string>{"Ruth Pen"}));
  EXPECT_EQ(a.text, "");
}

TEST(SearchQueryTest, ExcludedPhraseGivesNoWords) {
  ParsedQuery q = ParseSearchQuery("-\"water company\" Fïsh");
  EXPECT_EQ(q.text, "-\"water company\" Fïsh");
  EXPECT_EQ(q.words, (std::vector<std::string>{"fïsh"}));
}

TEST(SearchQueryTest, SqlLookingTextIsJustText) {
  ParsedQuery q = ParseSearchQuery("'; DROP TABLE articles; -- author:bob");
  EXPECT_EQ(q.text, "'; DROP TABLE articles; --");
  EXPECT_EQ(q.authors, (std::vector<std::string>{"bob"}));
}

TEST(SearchQueryTest, ReplaceWordsKeepsSyntax) {
  EXPECT_EQ(ReplaceWords("\"Rivr pollution\" OR -flod", {"rivr", "flod"}, {"river", "flood"}),
            "\"river pollution\" OR -flood");
  EXPECT_EQ(ReplaceWords("rivers rivr", {"rivr"}, {"river"}), "rivers river");
}

TEST(SearchQueryTest, ReplaceWordsSplitsWordsAsTheQueryDoes) {
  // Curly quotes and dashes separate words; a hyphenated compound is one.
  EXPECT_EQ(ReplaceWords("\u201crivr\u201d \u2014flod", {"rivr", "flod"}, {"river", "flood"}),
            "\u201criver\u201d \u2014flood");
  EXPECT_EQ(ReplaceWords("how-tu tu", {"how-tu"}, {"how-to"}), "how-to tu");
}

TEST(RelevanceWindowTest, OnlyBroadQueriesRankAWindow) {
  // Off, or not more matches than the window: rank every match.
  EXPECT_FALSE(UseRelevanceWindow(50'000, 100'000, 0));
  EXPECT_FALSE(UseRelevanceWindow(2'000, 100'000, 2'000));
  // 100,000 articles: 4% of them matching is cheaper to rank whole, 6% is not.
  EXPECT_FALSE(UseRelevanceWindow(4'000, 100'000, 2'000));
  EXPECT_TRUE(UseRelevanceWindow(6'000, 100'000, 2'000));
  // A smaller window pays off for narrower queries.
  EXPECT_TRUE(UseRelevanceWindow(4'000, 100'000, 500));
  EXPECT_FALSE(UseRelevanceWindow(1'500, 100'000, 500));
  // The same share of a million articles is ten times the matches; the
  // date range a window needs grows with the archive.
  EXPECT_TRUE(UseRelevanceWindow(60'000, 1'000'000, 2'000));
  EXPECT_FALSE(UseRelevanceWindow(10'000, 1'000'000, 2'000));
  // A planner count below the estimate (stale statistics) is not a division hazard.
  EXPECT_TRUE(UseRelevanceWindow(30'000, 0, 2'000));
}

TEST(RelevanceWindowTest, WalkingOnlyPaysForVeryBroadQueries) {
  // Without a date range, the window's matches come from walking the date
  // index: cheaper than ranking everything only when most articles match.
  EXPECT_FALSE(WalkBeatsRankingAll(3'100, 100'000, 1'000));
  EXPECT_TRUE(WalkBeatsRankingAll(30'000, 100'000, 1'000));
  EXPECT_FALSE(WalkBeatsRankingAll(10'000, 1'000'000, 1'000));
  EXPECT_TRUE(WalkBeatsRankingAll(500'000, 1'000'000, 1'000));
  EXPECT_FALSE(WalkBeatsRankingAll(30'000, 100'000, 0));
  EXPECT_FALSE(WalkBeatsRankingAll(900, 100'000, 1'000));
}

TEST(RelevanceWindowTest, WindowStartInterpolatesTheDateHistogram) {
  // Four equal shares of the articles between five dates.
  const std::vector<double> histogram = {100, 200, 300, 400, 800};
  EXPECT_DOUBLE_EQ(*WindowStart(histogram, 0.25), 400);  // the newest share
  EXPECT_DOUBLE_EQ(*WindowStart(histogram, 0.125), 600);  // half of it
  EXPECT_DOUBLE_EQ(*WindowStart(histogram, 0.5), 300);
  EXPECT_DOUBLE_EQ(*WindowStart(histogram, 0.9), 140);
  EXPECT_NEAR(*WindowStart(histogram, 1e-9), 800, 1e-3);
  // Everything, nothing, or no histogram (before the first ANALYZE): no bound.
  EXPECT_FALSE(WindowStart(histogram, 1.0).has_value());
  EXPECT_FALSE(WindowStart(histogram, 2.5).has_value());
  EXPECT_FALSE(WindowStart(histogram, 0.0).has_value());
  EXPECT_FALSE(WindowStart({}, 0.5).has_value());
  EXPECT_FALSE(WindowStart({100}, 0.5).has_value());
}

TEST(BoundEstimatesTest, NoCountExceedsWhatIsStoredOrTheTotal) {
  SearchPage page;
  page.total_size = 6000;
  page.total_size_exact = false;
  auto add = [](google::protobuf::RepeatedPtrField<v1::FacetCount>* to, const char* value,
                int64_t count) {
    v1::FacetCount* c = to->Add();
    c->set_value(value);
    c->set_count(count);
  };
  add(page.facets.mutable_authors(), "Prolific Lately", 5400);  // scaled from a sample
  add(page.facets.mutable_authors(), "Steady Hand", 900);
  add(page.facets.mutable_authors(), "Unknown Name", 300);       // not stored: the total bounds
  add(page.facets.mutable_sites(), "Big Site", 7000);
  add(page.facets.mutable_languages(), "en", 6500);
  StoredCounts stored;
  stored.authors = {{"Prolific Lately", 620}, {"Steady Hand", 4000}};
  stored.sites = {{"Big Site", 10000}};
  BoundEstimates(stored, &page);
  EXPECT_EQ(page.total_size, 6000);
  ASSERT_EQ(page.facets.authors_size(), 3);
  // Re-sorted by the bounded counts.
  EXPECT_EQ(page.facets.authors(0).value(), "Steady Hand");
  EXPECT_EQ(page.facets.authors(0).count(), 900);
  EXPECT_EQ(page.facets.authors(1).value(), "Prolific Lately");
  EXPECT_EQ(page.facets.authors(1).count(), 620);
  EXPECT_EQ(page.facets.authors(2).count(), 300);
  EXPECT_EQ(page.facets.sites(0).count(), 6000);      // the total
  EXPECT_EQ(page.facets.languages(0).count(), 6000);  // the total

  // Filtered to authors: the total is at most their stored articles.
  stored.filtered_authors = 620;
  BoundEstimates(stored, &page);
  EXPECT_EQ(page.total_size, 620);
  EXPECT_EQ(page.facets.languages(0).count(), 620);
}

TEST(StatementTimeoutTest, RoundsUpToTwoSignificantDigits) {
  EXPECT_EQ(RoundedStatementTimeoutMs(1), 1);
  EXPECT_EQ(RoundedStatementTimeoutMs(99), 99);
  EXPECT_EQ(RoundedStatementTimeoutMs(100), 100);
  EXPECT_EQ(RoundedStatementTimeoutMs(101), 110);
  EXPECT_EQ(RoundedStatementTimeoutMs(4987), 5000);
  EXPECT_EQ(RoundedStatementTimeoutMs(4999), 5000);
  EXPECT_EQ(RoundedStatementTimeoutMs(5000), 5000);
  EXPECT_EQ(RoundedStatementTimeoutMs(29'950), 30'000);
  // Never shorter than asked, at most 10% longer.
  for (int64_t ms = 1; ms < 200'000; ms += 7) {
    int64_t r = RoundedStatementTimeoutMs(ms);
    ASSERT_GE(r, ms);
    ASSERT_LE(r * 10, ms * 11 + 9) << ms;
  }
}

TEST(AllLettersTest, WordsOfLettersOfAnyScriptOnly) {
  EXPECT_TRUE(AllLetters("flood"));
  EXPECT_TRUE(AllLetters("Caf\u00e9s"));
  EXPECT_TRUE(AllLetters("\u0152uvres"));
  EXPECT_FALSE(AllLetters("caf\u00e92"));
  EXPECT_FALSE(AllLetters("2024"));
  EXPECT_FALSE(AllLetters("x\u00b2"));     // a superscript digit
  EXPECT_FALSE(AllLetters("cafe\u0301"));  // a combining accent
  EXPECT_FALSE(AllLetters("how-to"));
  EXPECT_FALSE(AllLetters(""));
  EXPECT_FALSE(AllLetters("caf\xc3"));  // invalid UTF-8
}

TEST(IsUtf8CharacterTypeTest, TellsUtf8LocalesFromAsciiOnes) {
  EXPECT_TRUE(IsUtf8CharacterType("C.UTF-8"));
  EXPECT_TRUE(IsUtf8CharacterType("en_US.utf8"));
  EXPECT_TRUE(IsUtf8CharacterType("de_DE.UTF8"));
  EXPECT_FALSE(IsUtf8CharacterType("C"));
  EXPECT_FALSE(IsUtf8CharacterType("POSIX"));
  EXPECT_FALSE(IsUtf8CharacterType("en_US.ISO-8859-1"));
}

}  // namespace
}  // namespace broadsheet
