#include "core/profile.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/profile_loader.h"
#include "core/text_util.h"

namespace broadsheet {
namespace {

constexpr char kGeneric[] = R"({
  "name": "generic",
  "boilerplate": [{"rule": "print_button", "pattern": "^Print this$"}],
  "credits": [{"rule": "photo", "pattern": "^(?:(?P<caption>.+?) )?Photo: (?P<credit>.+)$"}],
  "bios": [{"rule": "author", "pattern": "^(?P<name>[A-Z]\\w+ [A-Z]\\w+) is .*$"}],
  "stopwords": ["the", "a", "is"]
})";

TEST(ProfileTest, MatchesRulesWithCaptures) {
  auto set = ProfileSet::FromJson(kGeneric);
  ASSERT_TRUE(set.ok()) << set.status();
  const Profile& p = set->generic();
  auto m = p.Match("Print this");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->kind, RuleKind::kBoilerplate);
  EXPECT_EQ(m->rule, "print_button");
  m = p.Match("Boats at dawn. Photo: Jo Bloggs");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->kind, RuleKind::kCredit);
  EXPECT_EQ(m->caption, "Boats at dawn.");
  EXPECT_EQ(m->credit, "Jo Bloggs");
  m = p.Match("Jane Doe is a reporter.");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->kind, RuleKind::kBio);
  EXPECT_EQ(m->name, "Jane Doe");
  EXPECT_FALSE(p.Match("Nothing to see here.").has_value());
  EXPECT_TRUE(p.IsStopword(text::MakeWordKey("The")));
  EXPECT_FALSE(p.IsStopword(text::MakeWordKey("harbour")));
}

TEST(ProfileTest, RulesMatchWhereverTheirPatternAllows) {
  // A rule matches where its pattern says (from the block's start after ^,
  // anywhere without it, per top-level alternative), and the earlier rule in
  // the file wins when several match.
  auto set = ProfileSet::FromJson(R"({
    "boilerplate": [
      {"rule": "first", "pattern": "(?i)^share(?: this)?$"},
      {"rule": "floating", "pattern": "\\bcookies\\b"},
      {"rule": "half_anchored", "pattern": "^Menu$|Sitemap$"},
      {"rule": "class_bar", "pattern": "^[|(]x$|^y$"},
      {"rule": "late", "pattern": "^Share(?: this)?$"}
    ]
  })");
  ASSERT_TRUE(set.ok()) << set.status();
  const Profile& p = set->generic();
  auto rule = [&](std::string_view block) {
    auto m = p.Match(block);
    return m ? std::string(m->rule) : std::string();
  };
  EXPECT_EQ(rule("Share this"), "first");
  EXPECT_EQ(rule("We use cookies here"), "floating");
  EXPECT_EQ(rule("Menu"), "half_anchored");
  EXPECT_EQ(rule("Our Sitemap"), "half_anchored");
  EXPECT_EQ(rule("|x"), "class_bar");
  EXPECT_EQ(rule("y"), "class_bar");
  EXPECT_EQ(rule("zy"), "");
  EXPECT_EQ(rule("Not a Menu"), "");
}

TEST(ProfileTest, GroupsMatchTheSameOnAsciiAndUnicodeBlocks) {
  // ASCII blocks take a copy of the rule with ASCII letter classes.
  const ProfileSet set = ProfileSet::Builtin();
  const Profile& p = set.generic();
  auto ascii = p.Match("Jane Doe-Smith is a reporter on the coast.");
  ASSERT_TRUE(ascii.has_value());
  EXPECT_EQ(ascii->kind, RuleKind::kBio);
  EXPECT_EQ(ascii->name, "Jane Doe-Smith");
  auto unicode = p.Match("Zo\xC3\xAB Dupr\xC3\xA9 is a reporter on the coast.");
  ASSERT_TRUE(unicode.has_value());
  EXPECT_EQ(unicode->name, "Zo\xC3\xAB Dupr\xC3\xA9");
  auto byline = p.Match("By Jane Doe and Sam Roe");
  ASSERT_TRUE(byline.has_value());
  EXPECT_EQ(byline->kind, RuleKind::kByline);
  EXPECT_EQ(byline->name, "Jane Doe and Sam Roe");
}

TEST(ProfileTest, DetectPatternsWithAndWithoutLiteralPrefixes) {
  // Detect patterns are prefiltered by a literal they require, when there is
  // one; flags, classes and alternation must still work.
  std::vector<ProfileSource> sources = {
      {"generic.json", kGeneric},
      {"c.json", R"({"name": "c", "detect": ["^Show Hide image\\s*$"]})"},
      {"d.json", R"({"name": "d", "detect": ["(?i)^daily wire$", "^(?:Foo|Bar) Times$"]})"},
      {"e.json", R"({"name": "e", "detect": ["^Ex+ample \\| \\d+$"]})"},
  };
  auto set = ProfileSet::FromJson(sources);
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->Detect("Intro\nShow Hide image  \nText").name(), "c");
  EXPECT_EQ(set->Detect("Intro\nShow Hide images\nText").name(), "generic");
  EXPECT_EQ(set->Detect("x\nDAILY WIRE\ny").name(), "d");
  EXPECT_EQ(set->Detect("x\nBar Times\ny").name(), "d");
  EXPECT_EQ(set->Detect("Exxxample | 42").name(), "e");
  EXPECT_EQ(set->Detect("Eample | 42").name(), "generic");
}

TEST(ProfileTest, ReportsBadJsonAndPatterns) {
  auto bad_json = ProfileSet::FromJson("{not json");
  EXPECT_FALSE(bad_json.ok());
  EXPECT_NE(bad_json.status().message().find("invalid JSON"), std::string::npos);
  auto bad_re = ProfileSet::FromJson(R"({"boilerplate": [{"rule": "x", "pattern": "(unclosed"}]})");
  ASSERT_FALSE(bad_re.ok());
  EXPECT_NE(bad_re.status().message().find("\"x\""), std::string::npos);
  auto no_group = ProfileSet::FromJson(R"({"bios": [{"rule": "b", "pattern": "^x is"}]})");
  EXPECT_FALSE(no_group.ok());
  // A credit rule captures the credit, the caption, or both.
  auto no_credit = ProfileSet::FromJson(R"({"credits": [{"rule": "c", "pattern": "^Pic: .+$"}]})");
  ASSERT_FALSE(no_credit.ok());
  EXPECT_NE(no_credit.status().message().find("(?P<caption>...)"), std::string::npos);
  auto caption_only = ProfileSet::FromJson(
      R"({"credits": [{"rule": "c", "pattern": "^Image caption, (?P<caption>.+)$"}]})");
  ASSERT_TRUE(caption_only.ok()) << caption_only.status();
  auto m = caption_only->generic().Match("Image caption, Boats at dawn");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->kind, RuleKind::kCredit);
  EXPECT_EQ(m->caption, "Boats at dawn");
  EXPECT_TRUE(m->credit.empty());
  auto wrong_type = ProfileSet::FromJson(R"({"stopwords": "the"})");
  EXPECT_FALSE(wrong_type.ok());
  std::vector<ProfileSource> only_site = {{"site.json", R"({"name": "s", "hosts": ["s.com"]})"}};
  EXPECT_FALSE(ProfileSet::FromJson(only_site).ok());
}

TEST(ProfileTest, SelectsSiteByHostThenDetectThenGeneric) {
  std::vector<ProfileSource> sources = {
      {"generic.json", kGeneric},
      {"a.json", R"({"name": "a", "hosts": ["a.example"], "standfirst": "always",
                     "boilerplate": [{"rule": "a_only", "pattern": "^Only on A$"}]})"},
      {"b.json", R"({"name": "b", "detect": ["^Bee \\| "]})"},
  };
  auto set = ProfileSet::FromJson(sources);
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->Select("https://www.a.example/x/y", "").name(), "a");
  EXPECT_EQ(set->Select("https://a.example:8080", "").name(), "a");
  EXPECT_EQ(set->Select("https://nota.example/", "").name(), "generic");
  EXPECT_EQ(set->Select("", "Bee | Buzz\n\nText").name(), "b");
  EXPECT_EQ(set->Select("", "Plain").name(), "generic");
  // Only a URL match counts as knowing the site; "detect" only picks rules.
  ASSERT_NE(set->ForUrl("https://www.a.example/x"), nullptr);
  EXPECT_EQ(set->ForUrl("https://www.a.example/x")->name(), "a");
  EXPECT_EQ(set->ForUrl("https://nota.example/"), nullptr);
  EXPECT_EQ(set->ForUrl(""), nullptr);
  EXPECT_EQ(set->Detect("Bee | Buzz\n\nText").name(), "b");
  // Site profiles keep the generic rules after their own.
  const Profile& a = set->Select("http://a.example/", "");
  EXPECT_EQ(a.standfirst_mode(), StandfirstMode::kAlways);
  EXPECT_EQ(a.Match("Only on A")->rule, "a_only");
  EXPECT_EQ(a.Match("Print this")->rule, "print_button");
  EXPECT_FALSE(set->generic().Match("Only on A").has_value());
}

TEST(ProfileTest, HostOfHandlesUrlForms) {
  EXPECT_EQ(HostOf("https://User@WWW.Example.com:443/path?q#f"), "www.example.com");
  EXPECT_EQ(HostOf("example.org/a"), "example.org");
  EXPECT_EQ(HostOf(""), "");
}

TEST(ProfileTest, BuiltinAndRepoProfilesLoad) {
  ProfileSet builtin = ProfileSet::Builtin();
  EXPECT_TRUE(builtin.generic().Match("Print Friendly, PDF & Email").has_value());
  EXPECT_FALSE(builtin.sites().empty());
  auto repo = LoadProfiles(BROADSHEET_DEFAULT_PROFILES_DIR);
  ASSERT_TRUE(repo.ok()) << repo.status();
  EXPECT_EQ(repo->sites().size(), builtin.sites().size());
  EXPECT_EQ(repo->Select("https://www.newstatesman.com/politics", "").name(),
            "newstatesman.com");
}

TEST(ProfileTest, UserCanAddProfileFilesWithoutRecompiling) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "broadsheet_profile_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "generic.json") << kGeneric;
  std::ofstream(dir / "mysite.json")
      << R"({"name": "mysite", "hosts": ["my.site"],
             "boilerplate": [{"rule": "my_footer", "pattern": "^My footer$"}]})";
  std::ofstream(dir / "README.txt") << "ignored";
  auto set = LoadProfiles(dir.string());
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->Select("http://my.site/a", "").Match("My footer")->rule, "my_footer");
  std::ofstream(dir / "broken.json") << R"({"name": "x", "hosts": ["x"], "bios": [1]})";
  auto broken = LoadProfiles(dir.string());
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("broken.json"), std::string::npos);
  EXPECT_EQ(LoadProfiles((dir / "missing").string()).status().code(),
            absl::StatusCode::kNotFound);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace broadsheet

namespace broadsheet {
namespace {

// The bucketed set must find exactly its keys whatever their number (it
// doubles its table when a bucket overflows).
TEST(StopwordSetTest, FindsExactlyItsKeysAtAnySize) {
  for (size_t n : {0u, 1u, 3u, 368u, 5000u}) {
    std::vector<text::WordKey> keys;
    for (size_t i = 0; i < n; ++i) keys.push_back(text::MakeWordKey("w" + std::to_string(i)));
    keys.push_back(text::WordKey{});  // ignored
    if (n > 0) keys.push_back(text::MakeWordKey("w0"));  // a duplicate
    const Profile::StopwordSet set(keys);
    for (size_t i = 0; i < n; ++i) {
      ASSERT_TRUE(set.Contains(text::MakeWordKey("w" + std::to_string(i)))) << n << " " << i;
    }
    for (size_t i = n; i < n + 2000; ++i) {
      ASSERT_FALSE(set.Contains(text::MakeWordKey("w" + std::to_string(i)))) << n << " " << i;
    }
    EXPECT_FALSE(set.Contains(text::WordKey{}));
    if (n > 0) {
      EXPECT_TRUE(set.Contains(text::MakeWordKey("W" + std::to_string(n - 1))));
    }
  }
}

}  // namespace
}  // namespace broadsheet
