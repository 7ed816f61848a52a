#include "common/env.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace broadsheet {
namespace {

TEST(SettingSourcesTest, FlagBeatsEnvironmentBeatsFile) {
  std::string path = ::testing::TempDir() + "/broadsheet-settings-test.conf";
  std::ofstream(path) << "# a comment\n\nBROADSHEET_TEST_FROM_FILE = file-value\n"
                      << "test-env-and-file=file-loses\ntest-flag-and-file=file-loses\n";
  setenv("BROADSHEET_TEST_ENV_AND_FILE", "env-wins", 1);
  unsetenv("BROADSHEET_TEST_FROM_FILE");
  unsetenv("BROADSHEET_TEST_FLAG_AND_FILE");
  const char* argv[] = {"prog", "--test-flag-and-file=flag-wins", "--config", path.c_str(),
                        "--migrate-only", "positional"};
  auto rest = ApplySettingSources(6, const_cast<char**>(argv), {"--migrate-only"});
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(*rest, (std::vector<std::string>{"--migrate-only", "positional"}));
  EXPECT_EQ(EnvOr("BROADSHEET_TEST_FROM_FILE", ""), "file-value");
  EXPECT_EQ(EnvOr("BROADSHEET_TEST_ENV_AND_FILE", ""), "env-wins");
  EXPECT_EQ(EnvOr("BROADSHEET_TEST_FLAG_AND_FILE", ""), "flag-wins");
  std::remove(path.c_str());
}

TEST(SettingSourcesTest, BadInputIsAnError) {
  const char* missing_value[] = {"prog", "--kafka-brokers"};
  EXPECT_FALSE(ApplySettingSources(2, const_cast<char**>(missing_value)).ok());
  const char* missing_file[] = {"prog", "--config=/nonexistent/broadsheet.conf"};
  EXPECT_FALSE(ApplySettingSources(2, const_cast<char**>(missing_file)).ok());
  std::string path = ::testing::TempDir() + "/broadsheet-bad.conf";
  std::ofstream(path) << "no equals sign here\n";
  const char* bad_line[] = {"prog", "--config", path.c_str()};
  auto result = ApplySettingSources(3, const_cast<char**>(bad_line));
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find(":1:"), std::string::npos);
  std::remove(path.c_str());
}

TEST(SettingSourcesTest, FlagNamesMapToVariables) {
  EXPECT_EQ(SettingVariable("kafka-brokers"), "BROADSHEET_KAFKA_BROKERS");
  EXPECT_EQ(SettingVariable("BROADSHEET_QUERY_LISTEN"), "BROADSHEET_QUERY_LISTEN");
}

}  // namespace
}  // namespace broadsheet
