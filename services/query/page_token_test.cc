#include "query/page_token.h"

#include <gtest/gtest.h>

namespace broadsheet {
namespace {

TEST(PageTokenTest, RoundTripsCursorForSameQuery) {
  PageCursor cursor{"0.0123456", "00ff00ff00ff00ff"};
  std::string token = EncodePageToken("key", "labour leadership", cursor);
  auto decoded = DecodePageToken("key", "labour leadership", token);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->key, cursor.key);
  EXPECT_EQ(decoded->id, cursor.id);
}

TEST(PageTokenTest, RoundTripsRelevanceWindow) {
  PageCursor cursor{"0.25", "abc", "2026-11-30 10:00:00+00\x1f" "00ff00ff00ff00ff"};
  auto decoded = DecodePageToken("key", "q", EncodePageToken("key", "q", cursor));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->window, cursor.window);
  auto plain = DecodePageToken("key", "q", EncodePageToken("key", "q", {"0.25", "abc"}));
  ASSERT_TRUE(plain.has_value());
  EXPECT_TRUE(plain->window.empty());
}

TEST(PageTokenTest, RejectsTokenOfAnotherQuery) {
  std::string token = EncodePageToken("key", "labour", {"0.5", "a"});
  EXPECT_FALSE(DecodePageToken("key", "tories", token).has_value());
}

TEST(PageTokenTest, RejectsTokenSignedWithAnotherKey) {
  std::string token = EncodePageToken("key-one", "labour", {"0.5", "a"});
  EXPECT_FALSE(DecodePageToken("key-two", "labour", token).has_value());
}

TEST(PageTokenTest, RejectsEveryAlteredByte) {
  std::string token = EncodePageToken("key", "labour", {"0.5", "abc"});
  for (size_t i = 0; i < token.size(); ++i) {
    std::string forged = token;
    forged[i] = forged[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(DecodePageToken("key", "labour", forged).has_value()) << "byte " << i;
  }
}

TEST(PageTokenTest, KeysWithSeparatorsRoundTrip) {
  PageCursor cursor{"Name. With\nodd.bytes", "id.1"};
  auto decoded = DecodePageToken("key", "b", EncodePageToken("key", "b", cursor));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->key, cursor.key);
  EXPECT_EQ(decoded->id, cursor.id);
}

TEST(PageTokenTest, RejectsGarbage) {
  EXPECT_FALSE(DecodePageToken("key", "q", "").has_value());
  EXPECT_FALSE(DecodePageToken("key", "q", "not base64 !!").has_value());
  EXPECT_FALSE(DecodePageToken("key", "q", "c2hvcnQ").has_value());
}

}  // namespace
}  // namespace broadsheet
