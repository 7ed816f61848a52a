#include "core/date_line.h"

#include <gtest/gtest.h>

namespace broadsheet {
namespace {

// 2024-03-14T00:00:00Z, and so on, by `date -u -d ... +%s`.
constexpr int64_t k14Mar2024 = 1710374400;
constexpr int64_t kHour = 3600, kMinute = 60;

TEST(DateLineTest, DayFirstMonthFirstAndIsoDates) {
  EXPECT_EQ(ParseDateLine("14 March 2024"), k14Mar2024);
  EXPECT_EQ(ParseDateLine("Thursday 14th March, 2024"), k14Mar2024);
  EXPECT_EQ(ParseDateLine("March 14, 2024"), k14Mar2024);
  EXPECT_EQ(ParseDateLine("Mar. 14th 2024"), k14Mar2024);
  EXPECT_EQ(ParseDateLine("2024-03-14"), k14Mar2024);
  EXPECT_EQ(ParseDateLine("Published on 14 Mar 2024"), k14Mar2024);
}

TEST(DateLineTest, TimesZonesAndOffsets) {
  EXPECT_EQ(ParseDateLine("Published 14 March 2024, 06:30 GMT | Updated 14 March 2024, 09:12 GMT"),
            k14Mar2024 + 6 * kHour + 30 * kMinute);
  EXPECT_EQ(ParseDateLine("October 3, 2024 4:12 PM UTC Updated ago"), 1727971920);
  EXPECT_EQ(ParseDateLine("Sat 12 Oct 2024 08.00 BST"), 1728716400);  // 07:00 UTC
  EXPECT_EQ(ParseDateLine("Tuesday 2 April 2024 at 7:45pm"), 1712087100);
  EXPECT_EQ(ParseDateLine("14 March 2024 12:15 a.m. EST"), k14Mar2024 + 15 * kMinute + 5 * kHour);
  EXPECT_EQ(ParseDateLine("2024-03-14T06:30:00+01:00"), k14Mar2024 + 5 * kHour + 30 * kMinute);
  EXPECT_EQ(ParseDateLine("Updated: 09:14, 21 June 2024"), 1718928000 + 9 * kHour + 14 * kMinute);
  // US zones without standard/daylight: summer time by the date.
  EXPECT_EQ(ParseDateLine("Updated March 3, 2026, 6:14 p.m. ET"), 1772579640);  // 23:14 UTC
  EXPECT_EQ(ParseDateLine("July 4, 2024, 9:00 a.m. ET"), 1720098000);           // 13:00 UTC
  EXPECT_EQ(ParseDateLine("March 10, 2024 3:00 AM PT"), 1710064800);            // 10:00 UTC
}

TEST(DateLineTest, MonthNamesBeyondEnglish) {
  EXPECT_EQ(ParseDateLine("Publié le 12 mars 2024 à 07h30"), 1710228600);
  EXPECT_EQ(ParseDateLine("Veröffentlicht am 12. März 2024, 07:30"), 1710228600);
  EXPECT_EQ(ParseDateLine("12 de marzo de 2024"), 1710201600);
  EXPECT_EQ(ParseDateLine("1er août 2024"), 1722470400);
}

TEST(DateLineTest, NoFullOrValidDateIsNone) {
  EXPECT_FALSE(ParseDateLine("5 min read").has_value());
  EXPECT_FALSE(ParseDateLine("14:52").has_value());
  EXPECT_FALSE(ParseDateLine("March 2024").has_value());
  EXPECT_FALSE(ParseDateLine("31 February 2024").has_value());
  EXPECT_FALSE(ParseDateLine("29 February 2023").has_value());
  EXPECT_EQ(ParseDateLine("29 February 2024"), 1709164800);
  EXPECT_FALSE(ParseDateLine("14 March 1850").has_value());
  EXPECT_FALSE(ParseDateLine("").has_value());
  // An impossible time keeps nothing rather than a wrong hour.
  EXPECT_FALSE(ParseDateLine("14 March 2024 13:00 pm").has_value());
}

}  // namespace
}  // namespace broadsheet
