#include "indexer/binary_copy.h"

#include <gtest/gtest.h>

namespace broadsheet {
namespace {

const std::string kHeader("PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0", 19);

TEST(BinaryCopyRowsTest, EmptyCopyIsHeaderAndTrailer) {
  BinaryCopyRows rows;
  EXPECT_EQ(rows.Finish(), kHeader + std::string("\xff\xff", 2));
  EXPECT_EQ(rows.rows(), 0u);
}

TEST(BinaryCopyRowsTest, EncodesEachFieldTypeBigEndian) {
  BinaryCopyRows rows;
  rows.BeginRow(6);
  rows.AddText("h\xc3\xa9");
  rows.AddInt32(-2);
  rows.AddInt64(0x0102030405060708);
  rows.AddBool(true);
  rows.AddNull();
  rows.AddEncoded([](std::string* out) { out->append("xyz"); });
  const std::string expected = kHeader + std::string(
      "\x00\x06"
      "\x00\x00\x00\x03" "h\xc3\xa9"
      "\x00\x00\x00\x04" "\xff\xff\xff\xfe"
      "\x00\x00\x00\x08" "\x01\x02\x03\x04\x05\x06\x07\x08"
      "\x00\x00\x00\x01" "\x01"
      "\xff\xff\xff\xff"
      "\x00\x00\x00\x03" "xyz"
      "\xff\xff",
      2 + 7 + 8 + 12 + 5 + 4 + 7 + 2);
  EXPECT_EQ(rows.Finish(), expected);
  EXPECT_EQ(rows.rows(), 1u);
}

TEST(BinaryCopyRowsTest, EmptyTextIsNotNull) {
  BinaryCopyRows rows;
  rows.BeginRow(1);
  rows.AddText("");
  EXPECT_EQ(rows.Finish(), kHeader + std::string("\x00\x01\x00\x00\x00\x00\xff\xff", 8));
}

TEST(BinaryCopyRowsTest, TimestampsCountFromTheYear2000) {
  BinaryCopyRows rows;
  rows.BeginRow(2);
  rows.AddTimestamp(946684800LL * 1000000);      // 2000-01-01T00:00:00Z
  rows.AddTimestamp(946684800LL * 1000000 - 1);  // a microsecond before
  EXPECT_EQ(rows.Finish(),
            kHeader + std::string("\x00\x02"
                                  "\x00\x00\x00\x08" "\x00\x00\x00\x00\x00\x00\x00\x00"
                                  "\x00\x00\x00\x08" "\xff\xff\xff\xff\xff\xff\xff\xff"
                                  "\xff\xff",
                                  2 + 12 + 12 + 2));
}

}  // namespace
}  // namespace broadsheet
