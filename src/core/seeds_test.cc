// Runs the parser over the shared seed pages and checks key fields against
// their expected.json (read at runtime; nothing from the seeds is copied
// here). Skips when the seeds are absent, except under CI=true.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <map>
#include <sstream>
#include <string_view>

#include "core/page_parser.h"
#include "core/profile_loader.h"

namespace broadsheet {
namespace {

std::string SeedsDir() {
  const char* env = std::getenv("BROADSHEET_SEEDS_DIR");
  return env != nullptr && *env != '\0' ? env : BROADSHEET_SEEDS_DIR_DEFAULT;
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Whitespace (NBSP included) folded, as the seed checker compares.
std::string Norm(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA0') c = ' ', ++i;  // NBSP
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Lowercased name without a leading honorific ("Dr ", "Prof. ", ...). Plain
// string code: <regex> trips -Wmaybe-uninitialized in sanitizer builds.
std::string NameKey(const std::string& s) {
  std::string n = Norm(s);
  for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view h : {"dr", "prof", "professor", "sir", "dame", "lord", "lady", "mr", "mrs",
                             "ms", "rt hon"}) {
    if (!std::string_view(n).starts_with(h)) continue;
    size_t i = h.size();
    if (i < n.size() && n[i] == '.') ++i;
    if (i >= n.size() || n[i] != ' ') continue;  // Norm() folded spaces to one
    return n.substr(i + 1);
  }
  return n;
}

TEST(SeedsTest, ParsesSeedPages) {
  namespace fs = std::filesystem;
  const fs::path dir = SeedsDir();
  if (!fs::exists(dir / "expected.json")) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") {
      FAIL() << "seed pages missing under CI: " << dir;
    }
    GTEST_SKIP() << "no seed pages at " << dir;
  }
  auto profiles = LoadProfiles(BROADSHEET_DEFAULT_PROFILES_DIR);
  ASSERT_TRUE(profiles.ok()) << profiles.status();
  const PageParser parser(*profiles, ParseOptions{});
  const auto expected = nlohmann::json::parse(ReadFile(dir / "expected.json"));
  std::map<std::string, std::string> ids;
  for (const auto& [name, exp] : expected.at("pages").items()) {
    SCOPED_TRACE(name);
    auto result = parser.Parse(ReadFile(dir / name));
    ASSERT_TRUE(std::holds_alternative<ParsedPage>(result));
    const auto& page = std::get<ParsedPage>(result);
    ASSERT_EQ(page.articles.size(), exp.at("articles").size());
    EXPECT_EQ(page.comments.size(), exp.at("comments").get<size_t>());
    if (exp.at("site").is_object()) {
      EXPECT_EQ(page.site.name, exp["site"]["name"].get<std::string>());
      EXPECT_EQ(page.site.tagline, exp["site"]["tagline"].get<std::string>());
    }
    for (size_t i = 0; i < page.articles.size(); ++i) {
      const Article& a = page.articles[i];
      const auto& e = exp["articles"][i];
      ids[name + "#" + std::to_string(i)] = a.id;
      EXPECT_EQ(a.language, "en");
      EXPECT_NE(a.fingerprint, 0u);
      if (e.contains("same_as")) continue;
      EXPECT_EQ(Norm(a.title), Norm(e["title"].get<std::string>()));
      if (e["standfirst"].is_string()) {
        EXPECT_EQ(Norm(a.standfirst), Norm(e["standfirst"].get<std::string>()));
      }
      if (e["paragraphs"].is_number()) {
        EXPECT_EQ(a.paragraphs.size(), e["paragraphs"].get<size_t>());
      }
      EXPECT_EQ(NameKey(a.author.name), NameKey(e["author"].get<std::string>()));
      if (e["image_credit"].is_string()) {
        EXPECT_EQ(Norm(a.image.credit), Norm(e["image_credit"].get<std::string>()));
      }
    }
  }
  for (const auto& pair : expected.at("duplicates")) {
    EXPECT_EQ(ids[pair[0].get<std::string>()], ids[pair[1].get<std::string>()]);
  }
}

}  // namespace
}  // namespace broadsheet
