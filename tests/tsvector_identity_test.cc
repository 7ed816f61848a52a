// The indexer computes tsvectors itself (src/tsearch) instead of calling
// to_tsvector('english', ...) in PostgreSQL. This test proves both agree on
// a large vocabulary — an English word list (/usr/share/dict/words), the
// benchmark's 50,000-word vocabulary, the seed pages and the project's
// fixtures — by asking the live server for every text the C++ side accepts.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <pqxx/pqxx>
#include <sstream>

#include "bench/article_generator.h"
#include "common/env.h"
#include "indexer/binary_copy.h"
#include "stack_test_util.h"
#include "tsearch/english_tsvector.h"

namespace broadsheet {
namespace {

class TsVectorIdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lexer_ = EnglishTsVector::CreateBuiltin();
    ASSERT_NE(lexer_, nullptr) << "built without PostgreSQL's stopword list";
    std::string database_error;
    try {
      conn_ = std::make_unique<pqxx::connection>(LoadCommonSettings().database_url);
    } catch (const std::exception& e) {
      database_error = e.what();
    }
    BROADSHEET_REQUIRE_STACK(database_error.empty(), "database unreachable: " + database_error);
    conn_->prepare("tsv", "SELECT to_tsvector('english', $1)::text");
  }

  // Compares every text the lexer accepts with PostgreSQL; returns how many
  // were compared.
  int Compare(const std::vector<std::string>& texts) {
    pqxx::work txn(*conn_);
    int compared = 0;
    for (const std::string& text : texts) {
      std::optional<std::string> mine = lexer_->Compute(text);
      if (!mine) continue;
      std::string theirs = txn.exec_prepared1("tsv", text)[0].c_str();
      EXPECT_EQ(*mine, theirs) << "text: " << text.substr(0, 300);
      if (*mine != theirs && ++mismatches_ > 20) break;
      ++compared;
    }
    return compared;
  }

  // Joins words into texts of `per_text` words, in the shapes prose takes.
  std::vector<std::string> Texts(const std::vector<std::string>& words, size_t per_text) {
    std::vector<std::string> texts;
    std::string text;
    size_t n = 0;
    for (size_t i = 0; i < words.size(); ++i) {
      const std::string& w = words[i];
      switch (i % 7) {
        case 0: text += w; break;
        case 1: text += w + ","; break;
        case 2: text += "\xe2\x80\x9c" + w + "\xe2\x80\x9d"; break;
        case 3: text += w + "-" + words[(i * 31) % words.size()]; break;
        case 4: text += w + "'s"; break;
        case 5: text += std::string(1, static_cast<char>(std::toupper(w[0]))) + w.substr(1) + "."; break;
        default: text += "(" + w + ")"; break;
      }
      text += (i % 11 == 0) ? "\n\n" : " ";
      if (++n == per_text) {
        texts.push_back(std::move(text));
        text.clear();
        n = 0;
      }
    }
    if (!text.empty()) texts.push_back(text);
    return texts;
  }

  std::unique_ptr<EnglishTsVector> lexer_;
  std::unique_ptr<pqxx::connection> conn_;
  int mismatches_ = 0;
};

TEST_F(TsVectorIdentityTest, EnglishWordList) {
  std::ifstream in("/usr/share/dict/words");
  BROADSHEET_REQUIRE_STACK(in.good(), "/usr/share/dict/words missing (Debian wamerican)");
  std::vector<std::string> words;
  std::string word;
  while (std::getline(in, word)) {
    // Words the lexer leaves to PostgreSQL (accents) would only make whole
    // texts fall back; keep the ones it handles.
    if (lexer_->Compute(word).has_value() && !word.empty()) words.push_back(word);
  }
  ASSERT_GT(words.size(), 50000u);
  int compared = Compare(Texts(words, 200));
  EXPECT_EQ(mismatches_, 0);
  std::printf("compared %d texts over %zu dictionary words\n", compared, words.size());
  EXPECT_GT(compared, 400);
}

TEST_F(TsVectorIdentityTest, BenchmarkVocabulary) {
  bench::ArticleGenerator generator(7);
  std::vector<std::string> words;
  for (size_t rank = 0; rank < 50000; ++rank) words.push_back(generator.Word(rank));
  int compared = Compare(Texts(words, 250));
  EXPECT_EQ(mismatches_, 0);
  EXPECT_GT(compared, 150);
}

TEST_F(TsVectorIdentityTest, RealPagesParagraphByParagraph) {
  std::vector<std::string> paragraphs;
  std::vector<std::filesystem::path> dirs = {BROADSHEET_SOURCE_DIR "/fixtures/pages",
                                             BROADSHEET_SOURCE_DIR "/fixtures/demo",
                                             BROADSHEET_SOURCE_DIR "/../shared/seeds"};
  for (const auto& dir : dirs) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.path().extension() != ".txt") continue;
      std::ifstream file(entry.path());
      std::stringstream all;
      all << file.rdbuf();
      std::string text = all.str();
      size_t start = 0;
      while (start < text.size()) {
        size_t end = text.find("\n\n", start);
        if (end == std::string::npos) end = text.size();
        paragraphs.push_back(text.substr(start, end - start));
        start = end + 2;
      }
    }
  }
  int compared = Compare(paragraphs);
  EXPECT_EQ(mismatches_, 0);
  std::printf("compared %d of %zu paragraphs\n", compared, paragraphs.size());
  EXPECT_GT(compared, static_cast<int>(paragraphs.size() / 3)) << "the lexer should handle most prose";
}

// The indexer stores setweight(title, A) || setweight(standfirst, B) ||
// setweight(body, D), built in C++ and sent in binary: both the vector and
// its binary form must be what the server computes itself.
TEST_F(TsVectorIdentityTest, WeightedArticleVectorsInTextAndBinary) {
  struct Triple {
    std::string title, standfirst, body;
  };
  std::vector<Triple> articles;
  bench::ArticleGenerator generator(11);
  for (int i = 0; i < 300; ++i) {
    v1::Article a = generator.Next(500 + 40 * i);
    std::string body;
    for (const std::string& p : a.paragraphs()) body += p + "\n";
    articles.push_back({a.title(), i % 10 == 0 ? std::string() : a.standfirst(), body});
  }
  // The caps: a lexeme in all three parts more than 256 times, and a body
  // past position 16383 (later positions all become 16383).
  std::string many;
  for (int i = 0; i < 300; ++i) many += "harbour report ";
  std::string long_body;
  for (int i = 0; i < 9000; ++i) long_body += "tide harbour ";
  articles.push_back({many, many, many});
  articles.push_back({"Harbour tide", "", long_body});
  articles.push_back({"", "", "Only a body, with the harbour in it."});
  articles.push_back({"", "", ""});

  pqxx::work txn(*conn_);
  txn.exec("CREATE TEMP TABLE weighted (n integer, tsv tsvector) ON COMMIT DROP");
  BinaryCopyRows rows;
  std::map<int, std::string> expected;
  int lexed = 0;
  for (size_t n = 0; n < articles.size(); ++n) {
    const Triple& t = articles[n];
    std::optional<TsVector> mine = LexWeightedArticle(*lexer_, t.title, t.standfirst, t.body);
    if (!mine) continue;
    ++lexed;
    std::string theirs = txn.exec_params1(
        "SELECT (setweight(to_tsvector('english', $1), 'A') || "
        "setweight(to_tsvector('english', $2), 'B') || "
        "setweight(to_tsvector('english', $3), 'D'))::text",
        t.title, t.standfirst, t.body)[0].c_str();
    EXPECT_EQ(mine->ToText(), theirs) << "article " << n;
    expected[static_cast<int>(n)] = theirs;
    rows.BeginRow(2);
    rows.AddInt32(static_cast<int32_t>(n));
    rows.AddEncoded([&](std::string* out) { mine->AppendBinary(out); });
  }
  EXPECT_GT(lexed, 280);
  SendBinaryCopy(txn, "COPY weighted FROM STDIN (FORMAT binary)", rows.Finish());
  int read_back = 0;
  for (const pqxx::row& row : txn.exec("SELECT n, tsv::text FROM weighted ORDER BY n")) {
    EXPECT_EQ(row[1].c_str(), expected[row[0].as<int>()]) << "article " << row[0].c_str();
    ++read_back;
  }
  EXPECT_EQ(read_back, lexed);
}

}  // namespace
}  // namespace broadsheet
