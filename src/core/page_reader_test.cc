#include "core/page_reader.h"

#include <gtest/gtest.h>

#include <sstream>

namespace broadsheet {
namespace {

std::vector<RawPageRecord> ReadAll(const std::string& data, InputFormat format,
                                   size_t max = 1 << 20) {
  std::istringstream in(data);
  auto reader = PageReader::Create(in, format, "src", max);
  std::vector<RawPageRecord> out;
  RawPageRecord r;
  while (reader->Next(&r)) out.push_back(r);
  return out;
}

std::string WarcRecord(const std::string& type, const std::string& uri, const std::string& body,
                       std::optional<size_t> length = std::nullopt) {
  std::string s = "WARC/1.0\r\nWARC-Type: " + type + "\r\nWARC-Target-URI: " + uri +
                  "\r\nWARC-Date: 2017-05-22T10:00:00Z\r\nContent-Type: text/plain\r\n"
                  "Content-Length: " + std::to_string(length.value_or(body.size())) +
                  "\r\n\r\n" + body + "\r\n\r\n";
  return s;
}

TEST(PageReaderTest, TextIsOnePage) {
  auto recs = ReadAll("Title\n\nBody.\n", InputFormat::kText);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].text, "Title\n\nBody.\n");
  EXPECT_EQ(recs[0].source, "src");
  EXPECT_FALSE(recs[0].error);
}

TEST(PageReaderTest, TextOverLimitIsAnErrorRecord) {
  auto recs = ReadAll(std::string(5000, 'a'), InputFormat::kText, 1000);
  ASSERT_EQ(recs.size(), 1u);
  ASSERT_TRUE(recs[0].error);
  EXPECT_EQ(recs[0].error->reason, RejectReason::kPageTooLarge);
  EXPECT_NE(recs[0].error->message.find("5000"), std::string::npos);
  EXPECT_TRUE(recs[0].text.empty());
}

TEST(PageReaderTest, JsonLinesWithBadLineKeepsGoing) {
  const std::string data =
      R"({"url": "https://a.example/1", "text": "one\ntwo", "fetched_at": "2020-01-01"})"
      "\n\nnot json\n"
      R"({"url": "https://a.example/3"})"
      "\n"
      R"({"url": "https://a.example/4", "text": "four"})";
  auto recs = ReadAll(data, InputFormat::kJsonl);
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(recs[0].url, "https://a.example/1");
  EXPECT_EQ(recs[0].text, "one\ntwo");
  EXPECT_EQ(recs[0].fetched_at, "2020-01-01");
  EXPECT_EQ(recs[0].source, "src:1");
  ASSERT_TRUE(recs[1].error);
  EXPECT_EQ(recs[1].error->reason, RejectReason::kMalformedRecord);
  EXPECT_EQ(recs[1].source, "src:3");
  ASSERT_TRUE(recs[2].error);
  EXPECT_EQ(recs[3].text, "four");
  EXPECT_FALSE(recs[3].error);
}

TEST(PageReaderTest, JsonLineOverLimitIsSkipped) {
  const std::string big = R"({"text": ")" + std::string(10000, 'x') + "\"}\n";
  auto recs = ReadAll(big + R"({"text": "ok"})" "\n", InputFormat::kJsonl, 1000);
  ASSERT_EQ(recs.size(), 2u);
  ASSERT_TRUE(recs[0].error);
  EXPECT_EQ(recs[0].error->reason, RejectReason::kPageTooLarge);
  EXPECT_EQ(recs[1].text, "ok");
}

TEST(PageReaderTest, WetReadsConversionRecordsOnly) {
  const std::string data = WarcRecord("warcinfo", "", "software: test\r\n") +
                           WarcRecord("conversion", "https://a.example/x", "Page one\nline") +
                           WarcRecord("response", "https://a.example/y", "<html>") +
                           WarcRecord("conversion", "https://b.example/z", "Page two\r\n\r\nWARC/1.0 inside");
  auto recs = ReadAll(data, InputFormat::kWet);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].url, "https://a.example/x");
  EXPECT_EQ(recs[0].fetched_at, "2017-05-22T10:00:00Z");
  EXPECT_EQ(recs[0].text, "Page one\nline");
  EXPECT_EQ(recs[0].source, "src#2");
  // Content-Length is honoured even when the body holds separators.
  EXPECT_EQ(recs[1].text, "Page two\r\n\r\nWARC/1.0 inside");
}

TEST(PageReaderTest, WetRecordOverLimitIsSkipped) {
  const std::string data = WarcRecord("conversion", "https://a.example/big", std::string(5000, 'b')) +
                           WarcRecord("conversion", "https://a.example/ok", "fine");
  auto recs = ReadAll(data, InputFormat::kWet, 1000);
  ASSERT_EQ(recs.size(), 2u);
  ASSERT_TRUE(recs[0].error);
  EXPECT_EQ(recs[0].error->reason, RejectReason::kPageTooLarge);
  EXPECT_EQ(recs[0].url, "https://a.example/big");
  EXPECT_EQ(recs[1].text, "fine");
}

TEST(PageReaderTest, WetTruncatedOrBadLengthIsMalformed) {
  auto recs = ReadAll(WarcRecord("conversion", "u", "short", 100), InputFormat::kWet);
  ASSERT_EQ(recs.size(), 1u);
  ASSERT_TRUE(recs[0].error);
  EXPECT_EQ(recs[0].error->reason, RejectReason::kMalformedRecord);
  auto bad = ReadAll("WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: x1\r\n\r\nbody\r\n" +
                         WarcRecord("conversion", "u2", "next"),
                     InputFormat::kWet);
  ASSERT_EQ(bad.size(), 2u);
  EXPECT_TRUE(bad[0].error);
  EXPECT_EQ(bad[1].text, "next");
}

TEST(PageReaderTest, AutoDetectsFormat) {
  std::istringstream wet(WarcRecord("conversion", "u", "x"));
  EXPECT_EQ(PageReader::Create(wet, InputFormat::kAuto, "s", 100)->format(), InputFormat::kWet);
  std::istringstream jsonl("  {\"text\": \"x\"}\n");
  auto j = PageReader::Create(jsonl, InputFormat::kAuto, "s", 100);
  EXPECT_EQ(j->format(), InputFormat::kJsonl);
  RawPageRecord r;
  ASSERT_TRUE(j->Next(&r));
  EXPECT_EQ(r.text, "x");  // the sniffed bytes are not lost
  std::istringstream text("Title line\n");
  auto t = PageReader::Create(text, InputFormat::kAuto, "s", 100);
  EXPECT_EQ(t->format(), InputFormat::kText);
  ASSERT_TRUE(t->Next(&r));
  EXPECT_EQ(r.text, "Title line\n");
  EXPECT_FALSE(t->Next(&r));
}

TEST(PageReaderTest, ParsesFormatNames) {
  EXPECT_EQ(ParseInputFormat("wet"), InputFormat::kWet);
  EXPECT_EQ(ParseInputFormat("jsonl"), InputFormat::kJsonl);
  EXPECT_EQ(ParseInputFormat("text"), InputFormat::kText);
  EXPECT_FALSE(ParseInputFormat("xml"));
  EXPECT_EQ(InputFormatName(InputFormat::kWet), "wet");
}

}  // namespace
}  // namespace broadsheet
