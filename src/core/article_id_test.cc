#include "core/article_id.h"

#include <gtest/gtest.h>

namespace broadsheet {
namespace {

TEST(ArticleIdTest, IsSixteenLowercaseHexDigits) {
  const std::string id = ArticleId("A title", {"One paragraph."});
  ASSERT_EQ(id.size(), 16u);
  for (char c : id) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << id;
}

TEST(ArticleIdTest, IgnoresWhitespaceQuoteAndCaseVariants) {
  const std::string a = ArticleId("Ferries \xE2\x80\x9Cwin\xE2\x80\x9D", {"It\xE2\x80\x99s  late.", "Two."});
  const std::string b = ArticleId(" ferries \"WIN\"", {"It's\xC2\xA0late. ", "Two."});
  EXPECT_EQ(a, b);
}

TEST(ArticleIdTest, DependsOnTitleAndBody) {
  const std::string base = ArticleId("Title", {"Body one.", "Body two."});
  EXPECT_NE(base, ArticleId("Other title", {"Body one.", "Body two."}));
  EXPECT_NE(base, ArticleId("Title", {"Body one.", "Body three."}));
  // Paragraph boundaries matter: joining two paragraphs is a different text.
  EXPECT_NE(base, ArticleId("Title", {"Body one. Body two."}));
}

TEST(ArticleIdTest, IsStableAcrossReleases) {
  // Pinned value: changing it breaks every stored id (see article_id.h).
  EXPECT_EQ(ArticleId("Stable title", {"First paragraph.", "Second paragraph."}),
            "4094da7b14a42d4a");
  EXPECT_EQ(ArticleId("", {}), "2d06800538d394c2");  // XXH3_64bits of ""
}

TEST(ArticleIdTest, CommentIdKeepsItsPartsApart) {
  // Pinned value: changing it duplicates every stored comment on recrawl.
  EXPECT_EQ(CommentId("https://a.example/x", "Jo", "Well said!"), "80ddd2218d2fd66c");
  EXPECT_NE(CommentId("k", "Jo Smith", "said"), CommentId("k", "Jo", "Smith said"));
  EXPECT_NE(CommentId("k", "Jo", "Well said!"), CommentId("k2", "Jo", "Well said!"));
  // A second "Agreed." by the same reader on the page is a comment of its own.
  EXPECT_EQ(CommentId("k", "Jo", "Agreed.", 0), CommentId("k", "Jo", "Agreed."));
  EXPECT_NE(CommentId("k", "Jo", "Agreed.", 1), CommentId("k", "Jo", "Agreed."));
  EXPECT_EQ(CommentId("https://a.example/x", "Jo", "Well said!", 1), "402f301c2cffada1");
}

TEST(ArticleIdTest, PageIdHashesRawBytes) {
  EXPECT_EQ(PageId(""), "2d06800538d394c2");
  EXPECT_NE(PageId("a"), PageId("a "));
}

}  // namespace
}  // namespace broadsheet
