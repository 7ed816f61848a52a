#include "core/date_line.h"

#include <gtest/gtest.h>

#include <string>

namespace broadsheet {
namespace {

// 2024-03-14T00:00:00Z, and so on, by `date -u -d ... +%s`.
constexpr int64_t k14Mar2024 = 1710374400;
constexpr int64_t kHour = 3600, kMinute = 60, kDay = 24 * kHour;

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
  // Zones of Asia, Oceania, Africa and Atlantic Canada.
  EXPECT_EQ(ParseDateLine("2024-03-14 09:15 JST"), k14Mar2024 + 15 * kMinute);
  EXPECT_EQ(ParseDateLine("Mar 14, 2024 6:00 AM ADT"), k14Mar2024 + 9 * kHour);
  EXPECT_EQ(ParseDateLine("14 March 2024 10:00 AEDT"), k14Mar2024 - kHour);
  // The hour alone.
  EXPECT_EQ(ParseDateLine("July 4, 2024, 9 AM ET"), 1720098000);
  EXPECT_EQ(ParseDateLine("July 4, 2024 at 9 a.m. ET"), 1720098000);
  EXPECT_EQ(ParseDateLine("July 4, 2024 9 in the morning"), 1720051200);  // the date alone
  // The time before the date, with its zone.
  EXPECT_EQ(ParseDateLine("Published 5:02 p.m. ET March 4, 2025"), 1741125720);  // 22:02 UTC
  // A mark between the date and its time.
  EXPECT_EQ(ParseDateLine("7 March 2025 \u2022 11:48 am"), 1741348080);
  EXPECT_EQ(ParseDateLine("7 March 2025 | 11:48"), 1741348080);
  EXPECT_EQ(ParseDateLine("7 March 2025 \u00b7 4.99"), 1741305600);  // the date alone
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

TEST(DateLineTest, RelativeTimesCountBackFromNow) {
  const int64_t now = k14Mar2024 + 12 * kHour;
  EXPECT_EQ(ParseDateLine("2 hours ago", now), now - 2 * kHour);
  EXPECT_EQ(ParseDateLine("Updated an hour ago", now), now - kHour);
  EXPECT_EQ(ParseDateLine("15 mins ago", now), now - 15 * kMinute);
  EXPECT_EQ(ParseDateLine("3 days ago", now), now - 3 * kDay);
  EXPECT_EQ(ParseDateLine("DaveP \u00b7 2h", now), now - 2 * kHour);
  EXPECT_EQ(ParseDateLine("1w ago", now), now - 7 * kDay);
  EXPECT_EQ(ParseDateLine("Just now", now), now);
  EXPECT_EQ(ParseDateLine("il y a 3 jours", now), now - 3 * kDay);
  EXPECT_EQ(ParseDateLine("vor 2 Stunden", now), now - 2 * kHour);
  EXPECT_EQ(ParseDateLine("hace 2 horas", now), now - 2 * kHour);
  EXPECT_EQ(ParseDateLine("2 ore fa", now), now - 2 * kHour);
  // Without a reference time, or without "ago", or a unit letter not at the
  // end of the line, or a unit of no fixed length: nothing.
  EXPECT_FALSE(ParseDateLine("2 hours ago").has_value());
  EXPECT_FALSE(ParseDateLine("2 hours later", now).has_value());
  EXPECT_FALSE(ParseDateLine("a 2d edition", now).has_value());
  EXPECT_FALSE(ParseDateLine("3 months ago", now).has_value());
  EXPECT_FALSE(ParseDateLine("2 h", now).has_value());
  // A full date before a relative time wins, and the other way round.
  EXPECT_EQ(ParseDateLine("14 March 2024 (2 days ago)", now), k14Mar2024);
  EXPECT_EQ(ParseDateLine("2 days ago, 12 March 2024", now), now - 2 * kDay);
}

TEST(DateLineTest, FindReportsWhereTheDateIs) {
  const std::string line = "GeoffK \u00b7 Thu 14 March 2024 10:02 GMT Reply";
  const std::optional<DateLineMatch> m = FindDateLine(line);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->seconds, k14Mar2024 + 10 * kHour + 2 * kMinute);
  EXPECT_EQ(line.substr(m->begin, m->end - m->begin), "Thu 14 March 2024 10:02 GMT");

  const std::string before = "Tom P, 09:14, 21 June 2024";
  const std::optional<DateLineMatch> b = FindDateLine(before);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(before.substr(b->begin, b->end - b->begin), "09:14, 21 June 2024");

  // A weekday between a name and the date is the date's ("GeoffK Thu 14
  // March"), but "Sun" after a word may end a name and keeps it.
  const std::string thu = "GeoffK Thu 14 March 2024 10:02";
  const std::optional<DateLineMatch> t = FindDateLine(thu);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(thu.substr(0, t->begin), "GeoffK ");
  const std::string name = "Li Sun 14 March 2024";
  const std::optional<DateLineMatch> n = FindDateLine(name);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(name.substr(0, n->begin), "Li Sun ");
  const std::string full = "Anna, Thursday, 14 March 2024";
  const std::optional<DateLineMatch> f = FindDateLine(full);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(full.substr(f->begin), "Thursday, 14 March 2024");

  const std::string relative = "Hilltowner 3 hours ago";
  const std::optional<DateLineMatch> r = FindDateLine(relative, k14Mar2024);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(relative.substr(r->begin, r->end - r->begin), "3 hours ago");
  EXPECT_EQ(r->seconds, k14Mar2024 - 3 * kHour);
}

TEST(DateLineTest, Rfc3339TimeStamps) {
  EXPECT_EQ(ParseRfc3339("2026-05-20T12:00:00Z"), 1779278400);
  EXPECT_EQ(ParseRfc3339("2026-05-20T14:00:30.5+02:00"), 1779278430);
  EXPECT_EQ(ParseRfc3339("2026-05-20T07:00:00-05:00"), 1779278400);
  EXPECT_FALSE(ParseRfc3339("").has_value());
  EXPECT_FALSE(ParseRfc3339("2026-05-20").has_value());
  EXPECT_FALSE(ParseRfc3339("2026-05-20T12:00:00").has_value());  // no zone
  EXPECT_FALSE(ParseRfc3339("2026-05-20T12:00:00+01").has_value());
  EXPECT_FALSE(ParseRfc3339("2026-02-30T12:00:00Z").has_value());
  EXPECT_FALSE(ParseRfc3339("2026-05-20T12:00:00Z trailing").has_value());
}

}  // namespace
}  // namespace broadsheet
