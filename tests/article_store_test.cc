// PgArticleStore against the real database: articles whose tsvector the
// indexer computed are COPYed straight into `articles`; the others (lexer
// off, or text it leaves to PostgreSQL) are staged and vectored by
// to_tsvector. Both paths must store exactly the same rows, and a batch
// mixing them must count, link and replay correctly.
#include "indexer/article_store.h"

#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <pqxx/pqxx>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "common/env.h"
#include "query/article_reader.h"
#include "query/search_query.h"
#include "stack_test_util.h"

namespace broadsheet {
namespace {

std::string Capitalised(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

class ArticleStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = LoadCommonSettings().database_url;
    std::string database_error;
    try {
      pqxx::connection probe(url_);
      pqxx::nontransaction q(probe);
      q.exec1("SELECT count(*) FROM articles");
    } catch (const std::exception& e) {
      database_error = e.what();
    }
    BROADSHEET_REQUIRE_STACK(database_error.empty(),
                             "migrated database unreachable: " + database_error);
    run_ = std::to_string(std::random_device{}()) + "-" +
           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  }

  // A batch in the shapes the indexer sees: authors and sites shared or
  // absent, dates present or not, an empty language, one id twice, and two
  // articles whose text the lexer leaves to PostgreSQL.
  std::vector<v1::Article> Batch(const std::string& prefix) const {
    std::vector<v1::Article> batch;
    for (int i = 0; i < 40; ++i) {
      v1::Article a;
      a.set_id(prefix + "-" + run_ + "-" + std::to_string(i));
      a.set_title("Harbour board number " + std::to_string(i) + " meets the ferry operators");
      a.set_standfirst(i % 5 == 0 ? "" : "Councillors want the timetable back by spring");
      a.add_paragraphs("The board\xe2\x80\x99s chair said running costs rose again this year.");
      a.add_paragraphs(i == 7 ? "Fares rose 3.5 per cent, see example.com for the table."
                              : "Crews rehearsed the winter crossings twice.");
      if (i == 11) a.add_paragraphs("Caf\xc3\xa9 owners by the quay were not asked.");
      if (i % 3 != 0) {
        a.mutable_author()->set_name("Reporter " + std::to_string(i % 4) + " " + run_);
        a.mutable_author()->set_bio(i % 2 == 0 ? "Covers the coast." : "");
      }
      if (i % 4 != 0) {
        a.mutable_site()->set_name("Quay Gazette " + run_);
        a.mutable_site()->set_tagline("Local since 1901");
      }
      a.mutable_image()->set_caption(i % 2 ? "The ferry at dawn" : "");
      a.mutable_image()->set_credit(i % 2 ? "Staff" : "");
      a.set_url("https://quay.example/" + std::to_string(i));
      a.set_language(i == 5 ? "" : "en");
      a.set_word_count(20 + i);
      a.set_fingerprint(0);  // no near-duplicate links between the two copies
      if (i % 2 == 0) {
        *a.mutable_published_at() =
            google::protobuf::util::TimeUtil::SecondsToTimestamp(1700000000 + i * 3601);
        a.mutable_published_at()->set_nanos(123456000);
      }
      if (i % 3 != 2) {
        *a.mutable_fetched_at() = google::protobuf::util::TimeUtil::SecondsToTimestamp(1700500000);
      }
      v1::SourcePage* source = a.add_sources();
      source->set_page_id("page-" + run_ + "-" + std::to_string(i / 2));
      source->set_url(a.url());
      source->set_site("quay.example");
      batch.push_back(a);
    }
    batch.push_back(batch[3]);  // the same article twice in one batch
    return batch;
  }

  // `n` articles by `author`, ids "<prefix>-<run>-<i>", titled `title(i)`,
  // without near-duplicate links.
  std::vector<v1::Article> ByAuthor(const std::string& prefix, const std::string& author, int n,
                                    const std::function<std::string(int)>& title) const {
    std::vector<v1::Article> out;
    for (int i = 0; i < n; ++i) {
      v1::Article a = Batch(prefix).at(1);
      a.set_id(prefix + "-" + run_ + "-" + std::to_string(i));
      a.set_title(title(i));
      a.mutable_author()->set_name(author);
      a.set_fingerprint(0);
      out.push_back(std::move(a));
    }
    return out;
  }

  // The first page of 10, newest first, of `query` on a fresh reader.
  absl::StatusOr<SearchPage> NewestPage(const ArticleQuery& query) const {
    ArticleReader reader(url_, 1);
    SearchOptions options;
    options.order = SearchOrder::kNewest;
    options.page_size = 10;
    return reader.Search(query, options, std::chrono::seconds(30));
  }

  // Statistics for the planner's estimates and the date histogram.
  void AnalyzeArticles() const {
    pqxx::connection c(url_);
    pqxx::nontransaction q(c);
    q.exec("ANALYZE articles");
  }

  // A SimHash random per run with its low six bits clear, for tests that
  // place articles at chosen distances by flipping them: no earlier run's
  // article is within reach.
  static uint64_t FreshFingerprint() {
    std::mt19937_64 rng(std::random_device{}());
    return (rng() | 0x8000000000000000ULL) & ~0x3fULL;
  }

  // The first article of Batch() as `id` with `fingerprint`.
  v1::Article Single(const std::string& id, uint64_t fingerprint) const {
    v1::Article a = Batch("n").at(0);
    a.set_id(id);
    a.set_fingerprint(fingerprint);
    return a;
  }

  std::string url_;
  std::string run_;
};

TEST_F(ArticleStoreTest, CopiedAndStagedPathsStoreTheSameRows) {
  PgArticleStore with_lexer(url_, 3, /*compute_lexemes=*/true);
  PgArticleStore without_lexer(url_, 3, /*compute_lexemes=*/false);
  WriteStats copied, staged;
  ASSERT_TRUE(with_lexer.WriteBatch(Batch("c"), &copied).ok());
  ASSERT_TRUE(without_lexer.WriteBatch(Batch("s"), &staged).ok());
  EXPECT_EQ(copied.new_articles, 40);
  EXPECT_EQ(staged.new_articles, 40);

  pqxx::connection c(url_);
  pqxx::nontransaction q(c);
  // Every column but the id (and what derives from it) must agree.
  pqxx::row diff = q.exec_params1(R"sql(
    SELECT count(*) FILTER (WHERE s.id IS NULL),
           count(*) FILTER (WHERE (c.title, c.standfirst, c.body, c.author_name, c.author_bio,
                                   c.image_caption, c.image_credit, c.site_name, c.site_tagline,
                                   c.url, c.language, c.word_count, c.fingerprint, c.fp_band0,
                                   c.published_at, c.fetched_at, c.author_id, c.site_id,
                                   c.tsv::text, c.canonical_id = c.id)
                             IS DISTINCT FROM
                                  (s.title, s.standfirst, s.body, s.author_name, s.author_bio,
                                   s.image_caption, s.image_credit, s.site_name, s.site_tagline,
                                   s.url, s.language, s.word_count, s.fingerprint, s.fp_band0,
                                   s.published_at, s.fetched_at, s.author_id, s.site_id,
                                   s.tsv::text, s.canonical_id = s.id)),
           count(*) FILTER (WHERE c.tsv_source = 'indexer'),
           count(*) FILTER (WHERE s.tsv_source = 'postgres')
    FROM articles c LEFT JOIN articles s ON s.id = 's' || substr(c.id, 2)
    WHERE c.id LIKE 'c-' || $1 || '-%')sql",
                                  run_);
  EXPECT_EQ(diff[0].as<int>(), 0) << "copied articles without a staged twin";
  EXPECT_EQ(diff[1].as<int>(), 0) << "rows that differ between the two paths";
  EXPECT_EQ(diff[2].as<int>(), 38) << "all but the two texts left to PostgreSQL were copied";
  EXPECT_EQ(diff[3].as<int>(), 40);

  pqxx::row stored = q.exec_params1(
      "SELECT published_at IS NULL, language, fetched_at IS NULL FROM articles WHERE id = $1",
      "c-" + run_ + "-5");
  EXPECT_TRUE(stored[0].as<bool>());
  EXPECT_EQ(stored[1].as<std::string>(), "und");
  EXPECT_TRUE(stored[2].as<bool>());
  stored = q.exec_params1(
      "SELECT published_at = to_timestamp(1700000000 + 4 * 3601) + interval '0.123456 s', "
      "fetched_at = to_timestamp(1700500000) FROM articles WHERE id = $1",
      "c-" + run_ + "-4");
  EXPECT_TRUE(stored[0].as<bool>());
  EXPECT_TRUE(stored[1].as<bool>());

  // Counts: each author's and site's articles from both batches, once.
  pqxx::row counts = q.exec_params1(
      "SELECT (SELECT sum(article_count) FROM authors WHERE name LIKE '% ' || $1), "
      "       (SELECT article_count FROM sites WHERE name = 'Quay Gazette ' || $1), "
      "       (SELECT count(*) FROM source_pages WHERE article_id LIKE 'c-' || $1 || '-%')",
      run_);
  EXPECT_EQ(counts[0].as<int>(), 2 * 26);  // i % 3 != 0 for 26 of 40
  EXPECT_EQ(counts[1].as<int>(), 2 * 30);  // i % 4 != 0 for 30 of 40
  EXPECT_EQ(counts[2].as<int>(), 40);

  // A replay stores nothing new and counts nothing twice.
  WriteStats replayed;
  ASSERT_TRUE(with_lexer.WriteBatch(Batch("c"), &replayed).ok());
  EXPECT_EQ(replayed.new_articles, 0);
  EXPECT_EQ(replayed.new_sources, 0);
  EXPECT_EQ(q.exec_params1("SELECT article_count FROM sites WHERE name = 'Quay Gazette ' || $1",
                           run_)[0]
                .as<int>(),
            60);
}

// Two indexers writing the same new articles at once (as while partitions
// move between them): one COPY waits for the other's and then fails on the
// duplicate key; that writer must try again and find the articles stored.
// Both succeed, and every article and count is there once.
TEST_F(ArticleStoreTest, ConcurrentWritersOfTheSameArticlesBothSucceed) {
  PgArticleStore first(url_), second(url_);
  for (int round = 0; round < 4; ++round) {
    std::vector<v1::Article> batch = Batch("r" + std::to_string(round));
    for (v1::Article& article : batch) {  // two comments on each of the 40 pages
      for (int k = 0; k < 2; ++k) {
        article.mutable_sources(0)->add_comments()->set_text(
            "Comment " + std::to_string(k) + " round " + std::to_string(round) + " " + run_);
      }
    }
    WriteStats a, b;
    absl::Status status_a, status_b;
    std::thread other([&] { status_b = second.WriteBatch(batch, &b); });
    status_a = first.WriteBatch(batch, &a);
    other.join();
    ASSERT_TRUE(status_a.ok()) << status_a;
    ASSERT_TRUE(status_b.ok()) << status_b;
    EXPECT_EQ(a.new_articles + b.new_articles, 40) << "round " << round;
    EXPECT_EQ(a.new_comments + b.new_comments, 80) << "round " << round;
  }
  pqxx::connection c(url_);
  pqxx::nontransaction q(c);
  pqxx::row counts = q.exec_params1(
      "SELECT (SELECT count(*) FROM articles WHERE id LIKE 'r_-' || $1 || '-%'), "
      "       (SELECT article_count FROM sites WHERE name = 'Quay Gazette ' || $1)",
      run_);
  EXPECT_EQ(counts[0].as<int>(), 4 * 40);
  EXPECT_EQ(counts[1].as<int>(), 4 * 30);
}

// Gets from many threads share get_articles statements (one batch at a
// time): each caller must get its own article, NOT_FOUND for an unknown id.
TEST_F(ArticleStoreTest, ConcurrentGetsSharingRoundTripsEachGetTheirOwnArticle) {
  PgArticleStore store(url_);
  std::vector<v1::Article> batch = Batch("g");
  batch.pop_back();  // the repeated article
  WriteStats stats;
  ASSERT_TRUE(store.WriteBatch(batch, &stats).ok());

  // One batch at a time on two connections: 16 callers queue and share.
  ArticleReader reader(url_, 2, 1, "", 1);
  std::vector<std::thread> callers;
  callers.reserve(16);
  std::vector<std::string> failures[16];
  for (int t = 0; t < 16; ++t) {
    callers.emplace_back([&, t] {
      for (int round = 0; round < 40; ++round) {
        const int i = (t * 7 + round) % 44;  // 40 known ids, 4 unknown
        const std::string id =
            i < 40 ? batch[i].id() : "g-" + run_ + "-unknown-" + std::to_string(i);
        auto article = reader.Get(id, std::chrono::seconds(30));
        if (i >= 40) {
          if (article.status().code() != absl::StatusCode::kNotFound) {
            failures[t].push_back(id + ": " + article.status().ToString());
          }
        } else if (!article.ok()) {
          failures[t].push_back(id + ": " + article.status().ToString());
        } else if (article->id() != id || article->title() != batch[i].title() ||
                   article->paragraphs_size() != batch[i].paragraphs_size() ||
                   article->sources_size() != 1 ||
                   article->sources(0).page_id() != batch[i].sources(0).page_id()) {
          failures[t].push_back(id + ": got " + article->id() + " " + article->title());
        }
      }
    });
  }
  for (std::thread& caller : callers) caller.join();
  for (const auto& failed : failures) EXPECT_TRUE(failed.empty()) << failed.front();
  // 640 Gets from 16 threads against one worker: some shared a statement.
  EXPECT_GT(reader.GetBatchesRun(), 0u);
  EXPECT_LT(reader.GetBatchesRun(), 16u * 40u);

  // BatchGet keeps the order and repeats of the ids it is given.
  auto some =
      reader.BatchGet({batch[2].id(), batch[1].id(), batch[2].id()}, std::chrono::seconds(30));
  ASSERT_TRUE(some.ok()) << some.status();
  ASSERT_EQ(some->size(), 3u);
  EXPECT_EQ((*some)[0].id(), batch[2].id());
  EXPECT_EQ((*some)[1].id(), batch[1].id());
  EXPECT_EQ((*some)[2].id(), batch[2].id());
  EXPECT_EQ((*some)[2].title(), batch[2].title());

  // An id with a NUL (valid in a proto string) is unknown, not a failed
  // statement for the whole batch.
  EXPECT_EQ(reader.Get(std::string("g-\0-x", 5), std::chrono::seconds(30)).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(reader.BatchGet({batch[0].id(), std::string("g-\0-x", 5)}, std::chrono::seconds(30))
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

// Near-duplicate links do not chain: A~B and B~C with A and C apart give
// canonical ids A, A, B. Search shows one article per group, the smallest
// matching one: a word in all three shows only A (C's canonical, B, also
// matches), a word only in C shows C.
TEST_F(ArticleStoreTest, SearchCollapsesAChainOfNearDuplicatesToItsSmallestMatch) {
  PgArticleStore store(url_);
  const std::string word = "chainword" + std::to_string(std::random_device{}() % 1000000);
  const uint64_t a_fp = FreshFingerprint();
  const uint64_t b_fp = a_fp ^ 0x7;         // 3 bits from A
  const uint64_t c_fp = b_fp ^ 0x38;        // 3 bits from B, 6 from A
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    v1::Article a = Single("n-" + run_ + "-chain-" + std::to_string(i),
                           i == 0 ? a_fp : i == 1 ? b_fp : c_fp);
    a.set_title("Ferry " + word + " timetable " + (i == 2 ? "ferrylate" + word : "ok"));
    ids.push_back(a.id());
    WriteStats stats;
    ASSERT_TRUE(store.WriteBatch({a}, &stats).ok());
  }
  pqxx::connection c(url_);
  pqxx::nontransaction q(c);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(q.exec_params1("SELECT canonical_id FROM articles WHERE id = $1", ids[i])[0]
                  .as<std::string>(),
              ids[i == 2 ? 1 : 0]);
  }

  ArticleReader reader(url_, 1);
  auto hits_for = [&](const std::string& text) {
    ArticleQuery query;
    query.text = text;
    SearchOptions options;
    auto page = reader.Search(query, options, std::chrono::seconds(10));
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> found;
    if (page.ok()) {
      for (const auto& hit : page->hits) found.push_back(hit.article().id());
    }
    return found;
  };
  EXPECT_EQ(hits_for(word), std::vector<std::string>{ids[0]});
  EXPECT_EQ(hits_for("ferrylate" + word), std::vector<std::string>{ids[2]});
}

TEST_F(ArticleStoreTest, NearDuplicateLinksRewriteOnlyRowsWhoseCanonicalChanges) {
  // A joins first; B (a larger id) links to it and leaves A's row as it was;
  // C (a smaller id) links to A and becomes A's canonical article.
  PgArticleStore store(url_);
  const uint64_t a_fp = FreshFingerprint();
  auto write = [&](const std::string& suffix, uint64_t fingerprint) {
    v1::Article a = Single("n-" + run_ + "-canon-" + suffix, fingerprint);
    WriteStats stats;
    EXPECT_TRUE(store.WriteBatch({a}, &stats).ok());
    return a.id();
  };
  pqxx::connection c(url_);
  auto row_of = [&](const std::string& id) {
    pqxx::nontransaction q(c);
    pqxx::row r = q.exec_params1("SELECT xmin::text, canonical_id FROM articles WHERE id = $1", id);
    return std::make_pair(r[0].as<std::string>(), r[1].as<std::string>());
  };
  const std::string a = write("m", a_fp);
  const auto a_before = row_of(a);
  EXPECT_EQ(a_before.second, a);
  const std::string b = write("z", a_fp ^ 0x7);
  EXPECT_EQ(row_of(a), a_before) << "A was rewritten though its canonical article stayed A";
  EXPECT_EQ(row_of(b).second, a);
  const std::string c_id = write("a", a_fp ^ 0x38);  // 3 bits from A, 6 from B
  EXPECT_NE(row_of(a).first, a_before.first);
  EXPECT_EQ(row_of(a).second, c_id);
  EXPECT_EQ(row_of(b).second, a);
  EXPECT_EQ(row_of(c_id).second, c_id);
}

TEST_F(ArticleStoreTest, RelevanceWindowFindsMatchesOlderThanItsEstimatedStart) {
  // A word of past news: its matches are all old, while most of the archive
  // is recent. The window's date range is estimated as if matches were
  // spread evenly in time, so it holds none of them; the search must then
  // walk the date index and still rank the newest matches.
  PgArticleStore store(url_);
  const std::string word = "pastword" + std::to_string(std::random_device{}() % 1000000);
  std::vector<v1::Article> old_news;
  for (int i = 0; i < 24; ++i) {
    v1::Article a = Batch("p").at(1);
    a.set_id("p-" + run_ + "-old-" + std::to_string(i));
    a.set_title("Lighthouse " + word + " keepers number " + std::to_string(i));
    a.set_fingerprint(0);
    *a.mutable_published_at() =
        google::protobuf::util::TimeUtil::SecondsToTimestamp(978307200 + i * 86400);  // 2001
    old_news.push_back(a);
  }
  WriteStats stats;
  ASSERT_TRUE(store.WriteBatch(old_news, &stats).ok());
  ASSERT_TRUE(store.WriteBatch(Batch("recent"), &stats).ok());  // 2023
  AnalyzeArticles();  // the estimate and the date histogram

  ArticleReader reader(url_, 1);
  ArticleQuery query;
  query.text = word;
  SearchOptions options;
  options.relevance_window = 4;
  options.force_relevance_window = true;
  options.page_size = 10;
  auto page = reader.Search(query, options, std::chrono::seconds(10));
  ASSERT_TRUE(page.ok()) << page.status();
  // The range was tried (the planner expected 24 matches), held none, and
  // the search walked instead.
  EXPECT_TRUE(page->window_bound_missed) << "no date range was tried";
  EXPECT_FALSE(page->window_bounded);
  EXPECT_EQ(page->ranked_window, 4);
  std::set<std::string> newest;
  for (int i = 20; i < 24; ++i) newest.insert(old_news[i].id());
  std::set<std::string> found;
  for (const auto& hit : page->hits) found.insert(hit.article().id());
  EXPECT_EQ(found, newest);
}

TEST_F(ArticleStoreTest, EstimatedTotalsAndFacetsNeverExceedStoredCounts) {
  // More matches than the sample takes, half by each author. A newest-first
  // search filtered to one of them estimates from the first matches stored:
  // where that author's were stored first (a fresh table), their share is
  // 1 and the word's whole estimate, twice what they wrote, came back. The
  // stored counts bound it (BoundEstimates, unit-tested for the exact
  // values: where rows land depends on the table's free space).
  PgArticleStore store(url_);
  const std::string word = "biasword" + std::to_string(std::random_device{}() % 1000000);
  const int per_author = kSearchSampleCap + 100;
  const std::string early = "Early Writer " + run_, late = "Late Writer " + run_;
  WriteStats stats;
  for (const std::string& author : {early, late}) {
    ASSERT_TRUE(store.WriteBatch(ByAuthor("b" + author.substr(0, 1), author, per_author,
                                          [&](int i) {
                                            return "Tidal " + word + " survey number " +
                                                   std::to_string(i);
                                          }),
                                 &stats)
                    .ok());
  }
  AnalyzeArticles();  // the word's estimate

  ArticleQuery query;
  query.text = word;
  query.authors = {absl::AsciiStrToLower(early)};
  auto page = NewestPage(query);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_FALSE(page->total_size_exact);
  EXPECT_LE(page->total_size, per_author) << "more than the author's stored articles";
  for (const auto& facet : page->facets.authors()) {
    EXPECT_EQ(facet.value(), early);
    EXPECT_LE(facet.count(), per_author);
  }
}

TEST_F(ArticleStoreTest, FilterOnlyTotalsBeyondTheSampleAreEstimatedNotCapped) {
  // An author with more articles than the sample takes: a search by the
  // author alone reported the sample's size (2,000) as its total.
  PgArticleStore store(url_);
  const std::string author = "Prolific Writer " + run_;
  const int written = kSearchSampleCap + 1500;
  WriteStats stats;
  ASSERT_TRUE(store.WriteBatch(ByAuthor("p", author, written,
                                        [](int i) { return "Column number " + std::to_string(i); }),
                               &stats)
                  .ok());
  AnalyzeArticles();  // the author's share, for the planner

  ArticleQuery query;
  query.authors = {absl::AsciiStrToLower(author)};
  auto page = NewestPage(query);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->hits.size(), 10u);
  EXPECT_FALSE(page->total_size_exact);
  EXPECT_GT(page->total_size, kSearchSampleCap + 500) << "the sample's size, not an estimate";
  EXPECT_LE(page->total_size, written) << "more than the author's stored articles";
}

TEST_F(ArticleStoreTest, SimilarArticlesShareTheRareWordsNotTheCommonOnes) {
  // 2,100 stories share five heading words with the source; three share
  // only its rare ones. The rare ones say what the story is about.
  PgArticleStore store(url_);
  const std::string rare = "simword" + std::to_string(std::random_device{}() % 1000000);
  auto article = [&](const std::string& id, const std::string& title, const std::string& standfirst) {
    v1::Article a = Batch("s").at(1);
    a.set_id("s-" + run_ + "-" + id);
    a.set_title(title);
    a.set_standfirst(standfirst);
    a.set_fingerprint(0);  // no near-duplicates: only shared terms count
    return a;
  };
  const std::string common = "Councillors want the timetable back by spring";
  std::vector<v1::Article> distractors;
  distractors.reserve(2100);
  for (int i = 0; i < 2100; ++i) {
    distractors.push_back(article("d" + std::to_string(i),
                                  "Harbour board meets ferry operators over fares number " +
                                      std::to_string(i),
                                  common));
  }
  std::vector<v1::Article> related;
  related.reserve(3);
  for (int i = 0; i < 3; ++i) {
    related.push_back(article("r" + std::to_string(i),
                              Capitalised(rare) + " dispute goes to arbitration, part " +
                                  std::to_string(i),
                              "Both sides expect a ruling soon"));
  }
  v1::Article source =
      article("source", "Harbour board meets ferry operators over " + rare + " dispute", common);
  WriteStats stats;
  ASSERT_TRUE(store.WriteBatch(distractors, &stats).ok());
  ASSERT_TRUE(store.WriteBatch(related, &stats).ok());
  ASSERT_TRUE(store.WriteBatch({source}, &stats).ok());
  AnalyzeArticles();  // how common each word is

  ArticleReader reader(url_, 1);
  auto similar = reader.FindSimilar(source.id(), 3, std::chrono::seconds(30));
  ASSERT_TRUE(similar.ok()) << similar.status();
  std::set<std::string> found, want;
  for (const auto& s : *similar) {
    found.insert(s.article().id());
    EXPECT_FALSE(s.near_duplicate());
    EXPECT_GT(s.score(), 0);
    EXPECT_LE(s.score(), 1);
  }
  for (const auto& a : related) want.insert(a.id());
  EXPECT_EQ(found, want);
}

TEST_F(ArticleStoreTest, VocabularyUpkeepGoesToThePrimary) {
  // Reads may go to a read replica, where the vocabulary's upkeep (a write)
  // would fail: it uses the primary's URL. A port nothing listens on stands
  // in for the unusable side.
  const std::string nowhere = "postgresql://broadsheet@127.0.0.1:1/broadsheet?connect_timeout=2";
  ArticleReader reads_elsewhere(nowhere, 1, 1, url_);
  absl::StatusOr<int> refreshed = reads_elsewhere.RefreshVocabulary(10);
  EXPECT_TRUE(refreshed.ok()) << refreshed.status();
  ArticleReader primary_elsewhere(url_, 1, 1, nowhere);
  EXPECT_EQ(primary_elsewhere.RefreshVocabulary(10).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_TRUE(primary_elsewhere.LatestCursor(std::chrono::seconds(5)).ok());
}

// Comments travel with a page's first article; they are stored by page url
// (page id without one), each once however often the page is crawled or the
// batch replayed, and every article of the page lists them.
TEST_F(ArticleStoreTest, CommentsAreStoredOncePerPageAndListedForEveryArticleOnIt) {
  using google::protobuf::util::TimeUtil;
  const std::string url = "https://quay.example/comments/" + run_;
  auto comment = [](v1::SourcePage* page, const std::string& author, const std::string& text,
                    std::optional<int64_t> posted) {
    v1::Comment* c = page->add_comments();
    c->set_author(author);
    c->set_text(text);
    if (posted) *c->mutable_posted_at() = TimeUtil::SecondsToTimestamp(*posted);
  };
  std::vector<v1::Article> first = {Single("cm-a-" + run_, 0), Single("cm-b-" + run_, 0)};
  first[1].set_title("A second story on the same page");
  for (v1::Article& a : first) {
    a.mutable_sources(0)->set_page_id("cm-page1-" + run_);
    a.mutable_sources(0)->set_url(url);
  }
  v1::SourcePage* page1 = first[0].mutable_sources(0);
  comment(page1, "Morag Fyfe", "The late boat is the only way home.", 1779270000);
  comment(page1, "", "First!", std::nullopt);
  comment(page1, "Dan P", "They said the same about the bus.", 1779260000);

  PgArticleStore store(url_, 3);
  WriteStats stats;
  ASSERT_TRUE(store.WriteBatch(first, &stats).ok());
  EXPECT_EQ(stats.new_comments, 3);
  ASSERT_TRUE(store.WriteBatch(first, &stats).ok());  // a replay adds nothing
  EXPECT_EQ(stats.new_comments, 0);

  // A later crawl of the url shows two known comments (one re-dated, as a
  // relative time would be) and a new one.
  v1::Article recrawl = first[0];
  v1::SourcePage* page2 = recrawl.mutable_sources(0);
  page2->set_page_id("cm-page2-" + run_);
  page2->clear_comments();
  comment(page2, "Morag Fyfe", "The late boat is the only way home.", 1779270060);
  comment(page2, "", "First!", std::nullopt);
  comment(page2, "Islander", "Sign the petition at the post office.", std::nullopt);
  ASSERT_TRUE(store.WriteBatch({recrawl}, &stats).ok());
  EXPECT_EQ(stats.new_comments, 1);

  // The same words twice on one page are two comments (each recrawl
  // shows both again); a url far longer than a btree entry may hold is
  // still a page.
  v1::Article e = Single("cm-e-" + run_, 0);
  e.set_title("A fifth story");
  std::string long_url = "https://quay.example/long/" + run_ + "?q=";
  std::mt19937 rng(7);
  while (long_url.size() < 12000) long_url.push_back(static_cast<char>('a' + rng() % 26));
  e.mutable_sources(0)->set_url(long_url);
  for (int k = 0; k < 2; ++k) comment(e.mutable_sources(0), "Reader", "Agreed.", std::nullopt);
  ASSERT_TRUE(store.WriteBatch({e}, &stats).ok());
  EXPECT_EQ(stats.new_comments, 2);
  e.mutable_sources(0)->set_page_id("cm-e-recrawl-" + run_);
  ASSERT_TRUE(store.WriteBatch({e}, &stats).ok());
  EXPECT_EQ(stats.new_comments, 0);

  // Pages without a url are told apart by page id: the same words on two
  // of them are two comments.
  v1::Article c = Single("cm-c-" + run_, 0), d = Single("cm-d-" + run_, 0);
  c.set_title("A third story");
  d.set_title("A fourth story");
  for (v1::Article* a : {&c, &d}) {
    a->mutable_sources(0)->set_page_id(a->id() + "-page");
    a->mutable_sources(0)->set_url("");
    comment(a->mutable_sources(0), "Reader", "Agreed.", std::nullopt);
  }
  ASSERT_TRUE(store.WriteBatch({c, d}, &stats).ok());
  EXPECT_EQ(stats.new_comments, 2);

  ArticleReader reader(url_, 1);
  const std::vector<std::string> expected = {
      "They said the same about the bus.",  // dated first, oldest first
      "The late boat is the only way home.",
      "First!",  // then undated, in the order first seen
      "Sign the petition at the post office."};
  for (const std::string& id : {first[0].id(), first[1].id()}) {
    absl::StatusOr<CommentPage> page =
        reader.ListComments(id, 10, std::nullopt, std::chrono::seconds(10));
    ASSERT_TRUE(page.ok()) << page.status();
    std::vector<std::string> texts;
    for (const v1::Comment& cm : page->comments) texts.push_back(cm.text());
    EXPECT_EQ(texts, expected) << "for " << id;
    EXPECT_FALSE(page->next.has_value());
    ASSERT_EQ(page->comments.size(), 4u);
    EXPECT_EQ(page->comments[0].author(), "Dan P");
    EXPECT_EQ(page->comments[0].posted_at().seconds(), 1779260000);
    EXPECT_EQ(page->comments[1].posted_at().seconds(), 1779270000);  // as first seen
    EXPECT_FALSE(page->comments[2].has_posted_at());
    EXPECT_EQ(page->comments[2].author(), "");
    EXPECT_EQ(page->comments[0].url(), url);
    EXPECT_EQ(page->comments[0].id().size(), 16u);
  }

  // One at a time: each comment once, in the same order.
  std::vector<std::string> paged;
  std::optional<PageCursor> after;
  do {
    absl::StatusOr<CommentPage> page =
        reader.ListComments(first[0].id(), 1, after, std::chrono::seconds(10));
    ASSERT_TRUE(page.ok()) << page.status();
    for (const v1::Comment& cm : page->comments) paged.push_back(cm.text());
    after = page->next;
  } while (after && paged.size() < 10);
  EXPECT_EQ(paged, expected);

  absl::StatusOr<CommentPage> twice =
      reader.ListComments(e.id(), 10, std::nullopt, std::chrono::seconds(10));
  ASSERT_TRUE(twice.ok()) << twice.status();
  ASSERT_EQ(twice->comments.size(), 2u);
  EXPECT_EQ(twice->comments[1].text(), "Agreed.");
  EXPECT_EQ(twice->comments[1].url(), long_url);

  absl::StatusOr<CommentPage> no_url =
      reader.ListComments(c.id(), 10, std::nullopt, std::chrono::seconds(10));
  ASSERT_TRUE(no_url.ok()) << no_url.status();
  ASSERT_EQ(no_url->comments.size(), 1u);
  EXPECT_EQ(no_url->comments[0].url(), "");
  absl::StatusOr<CommentPage> none =
      reader.ListComments(Batch("cm-none").at(0).id(), 10, std::nullopt, std::chrono::seconds(10));
  EXPECT_EQ(none.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
// The query service warns at start when lower() would keep accented
// capitals; the local stack's database is initialised with C.UTF-8.
TEST_F(ArticleStoreTest, ReaderReadsTheDatabaseCharacterType) {
  ArticleReader reader(url_, 1);
  absl::StatusOr<std::string> ctype = reader.CharacterType(std::chrono::seconds(10));
  ASSERT_TRUE(ctype.ok()) << ctype.status();
  pqxx::connection c(url_);
  pqxx::nontransaction q(c);
  EXPECT_EQ(*ctype, q.exec1("SHOW lc_ctype")[0].as<std::string>());
  EXPECT_TRUE(IsUtf8CharacterType(*ctype)) << *ctype;
  EXPECT_EQ(q.exec1("SELECT lower('\u00c9MILE')")[0].as<std::string>(), "\u00e9mile");
}

}  // namespace broadsheet
