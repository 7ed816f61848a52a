#include "common/page_convert.h"

#include <gtest/gtest.h>

namespace broadsheet {
namespace {

TEST(PageConvertTest, ArticleCarriesItsSourcePage) {
  Article a;
  a.id = "0123456789abcdef";
  a.title = "Title";
  a.paragraphs = {"One.", "Two."};
  a.author = {"A Writer", "A Writer writes."};
  a.fingerprint = 0xfedcba9876543210ULL;
  a.language = "en";
  PageMeta meta{"file.txt", "https://example.org/x", "example.org", "2024-05-01T10:00:00Z"};
  v1::Article out = ArticleToProto(a, Site{"Example", "News"}, "pageid", meta);
  EXPECT_EQ(out.id(), a.id);
  EXPECT_EQ(out.paragraphs_size(), 2);
  EXPECT_EQ(out.author().name(), "A Writer");
  EXPECT_EQ(out.site().name(), "Example");
  EXPECT_EQ(out.fingerprint(), 0xfedcba9876543210ULL);
  ASSERT_EQ(out.sources_size(), 1);
  EXPECT_EQ(out.sources(0).url(), "https://example.org/x");
  EXPECT_EQ(out.fetched_at().seconds(), 1714557600);
  EXPECT_FALSE(out.has_published_at());  // the page showed no date
  a.published_at = 1710397800;
  EXPECT_EQ(ArticleToProto(a, Site{}, "pageid", meta).published_at().seconds(), 1710397800);
}

TEST(PageConvertTest, SiteFallsBackToCrawlerLabel) {
  Article a;
  a.id = "x";
  v1::Article out = ArticleToProto(a, Site{}, "p", PageMeta{"", "", "example.org", ""});
  EXPECT_EQ(out.site().name(), "example.org");
  EXPECT_FALSE(out.has_fetched_at());
}

TEST(PageConvertTest, JsonUsesProto3Names) {
  ParsedPage page;
  page.site = {"Progress", "Politics"};
  Article a;
  a.id = "abc";
  a.word_count = 3;
  a.fingerprint = 42;
  a.image = {"A caption", "A credit"};
  page.articles.push_back(a);
  page.comments.push_back({"a comment", "", std::nullopt});
  page.comments.push_back({"second", "GeoffK", 1710410520});
  std::string json = ToJsonLine(ToProto(page, "pid", PageMeta{"src.txt", "", "", ""}));
  EXPECT_NE(json.find("\"source\":\"src.txt\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"wordCount\":3"), std::string::npos) << json;
  EXPECT_NE(json.find("\"fingerprint\":\"42\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"comments\":[{\"text\":\"a comment\"},{\"text\":\"second\",\"author\":"
                      "\"GeoffK\",\"postedAt\":\"2024-03-14T10:02:00Z\"}]"),
            std::string::npos)
      << json;
  EXPECT_EQ(json.find('\n'), std::string::npos);
}

TEST(PageConvertTest, FetchedSecondsReadsRfc3339) {
  EXPECT_EQ(FetchedSeconds(PageMeta{"", "", "", "2024-03-14T10:02:00Z"}), 1710410520);
  EXPECT_EQ(FetchedSeconds(PageMeta{"", "", "", "2024-03-14T11:02:00+01:00"}), 1710410520);
  EXPECT_FALSE(FetchedSeconds(PageMeta{"", "", "", ""}).has_value());
  EXPECT_FALSE(FetchedSeconds(PageMeta{"", "", "", "yesterday"}).has_value());
}

TEST(PageConvertTest, RejectedPageNamesReason) {
  v1::ParsedPage out = RejectedToProto({RejectReason::kInvalidUtf8, "bad byte at 7"}, {"f", "", "", ""});
  EXPECT_EQ(out.error_reason(), "INVALID_UTF8");
  EXPECT_EQ(out.error(), "bad byte at 7");
}

}  // namespace
}  // namespace broadsheet
