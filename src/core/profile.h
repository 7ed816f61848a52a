// Parsing rules as data. A Profile is the compiled form of one rule file
// (profiles/*.json); a ProfileSet holds the generic profile plus per-site
// profiles, each site profile already merged with the generic rules (site
// rules are tried first).
//
// JSON schema of one profile file (every key optional except as noted):
//   "name":          profile name (required for site profiles)
//   "hosts":         ["example.com", ...]; absent/empty = the generic profile
//   "detect":        regexes; any match in the first 64 KiB of a page whose
//                    URL selects no profile picks this profile
//   "site":          {"name": ..., "tagline": ...} fixed site for pages whose
//                    URL selects this profile (never for a "detect" match)
//   "site_header":   regex with groups (?P<name>) and (?P<tagline>), tried on
//                    the first block of a page
//   "boilerplate":   [{"rule": name, "pattern": regex}, ...] blocks to drop
//   "image_markers": [{"rule", "pattern"}] lines such as "Show Hide image"
//   "credits":       [{"rule", "pattern"}] with (?P<credit>) and optional
//                    (?P<caption>): image credit / caption lines
//   "bios":          [{"rule", "pattern"}] with (?P<name>): author lines
//   "bylines":       [{"rule", "pattern"}] with (?P<name>): "By X" lines
//   "byline_role":   regex (whole block) for a journalist's role line; a bare
//                    name line followed by one is the article's byline
//   "comment_headers": [{"rule", "pattern"}] lines that start reader comments
//   "stopwords":     words (up to 16 bytes) for the text-density classifier
//   "standfirst":    "auto" | "always" | "never"
//   "max_rule_chars": blocks longer than this skip the regex rules
// A rule object may also carry "max_chars": the rule only applies to blocks of
// at most that many bytes (cheaper for RE2 than counted repetition).
// Patterns are RE2 syntax, matched against one whitespace-folded block
// (unanchored: use ^ and $). RE2 runs in linear time, so user-supplied rules
// cannot make parsing quadratic.
//
// Profiles are immutable after construction and safe to share across threads.
#ifndef BROADSHEET_CORE_PROFILE_H_
#define BROADSHEET_CORE_PROFILE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/parsed_page.h"
#include "core/text_util.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace broadsheet {

enum class RuleKind : uint8_t {
  kImageMarker,
  kBoilerplate,
  kCredit,
  kBio,
  kByline,
  kCommentHeader,
};

enum class StandfirstMode : uint8_t { kAuto, kAlways, kNever };

// What a rule matched in one block. Views point into the matched block.
struct RuleMatch {
  RuleKind kind;
  std::string_view rule;  // the rule's name, e.g. "print_button"
  std::string_view name;
  std::string_view caption;
  std::string_view credit;
};

class Profile {
 public:
  struct Impl;
  explicit Profile(std::shared_ptr<const Impl> impl);
  ~Profile();

  const std::string& name() const;
  const std::vector<std::string>& hosts() const;
  StandfirstMode standfirst_mode() const;
  size_t max_rule_chars() const;
  // The profile's fixed site, or empty names.
  const Site& site() const;

  // First rule (in precedence order: markers, boilerplate, credits, bios,
  // bylines, comment headers; site rules before generic ones) matching
  // `block`, or nullopt. `block` must be whitespace-folded.
  std::optional<RuleMatch> Match(std::string_view block) const;
  // Site header such as "Name | Tagline".
  bool MatchSiteHeader(std::string_view block, Site* site) const;
  // True when `block` is a journalist's role or desk as printed under a
  // bare name ("Local government correspondent"): the profile's
  // "byline_role" pattern, on blocks of at most kMaxBylineRoleChars.
  static constexpr size_t kMaxBylineRoleChars = 80;
  bool MatchesBylineRole(std::string_view block) const;
  // True when `text` names such a role anywhere ("... is the Echo's community
  // reporter"), as an author line does.
  bool MentionsBylineRole(std::string_view text) const;
  // True when a "detect" pattern matches `page_prefix`.
  bool Detects(std::string_view page_prefix) const;
  // `key` is text::MakeWordKey() (or MakeWordKeyPadded()) of one word; words
  // over text::kMaxKeyBytes bytes are never stopwords.
  bool IsStopword(const text::WordKey& key) const { return stopwords_->Contains(key); }

  // The profile's stopwords in buckets of four keys (one 64-byte line),
  // inline because it is probed once per word of every page. A lookup
  // compares the whole bucket without branching: whether a word is a
  // stopword is data-dependent and a mispredicted branch per word cost more
  // than the compares.
  class StopwordSet {
   public:
    static constexpr size_t kBucketSlots = 4;
    // Builds the set; keys equal to WordKey{} are ignored.
    explicit StopwordSet(const std::vector<text::WordKey>& keys);
    bool Contains(const text::WordKey& key) const {
      const text::WordKey* b = &table_[Bucket(key) * kBucketSlots];
      uint64_t diff = ~uint64_t{0};
      for (size_t k = 0; k < kBucketSlots; ++k) {
        // 0 exactly when slot k holds the key.
        const uint64_t d = (b[k].lo ^ key.lo) | (b[k].hi ^ key.hi);
        diff = d < diff ? d : diff;
      }
      // Empty slots are all-zero, so the zero key must not count as found.
      return (diff == 0) & (key.lo != 0);
    }

   private:
    size_t Bucket(const text::WordKey& key) const {
      return static_cast<size_t>(((key.lo ^ (key.hi * 0x9E3779B97F4A7C15ull)) *
                                  0xD6E8FEB86659FD93ull) >> shift_);
    }

    std::vector<text::WordKey> table_;  // buckets * kBucketSlots; all-zero = empty
    int shift_ = 63;
  };

 private:
  // Match() without the per-thread memo of short blocks.
  std::optional<RuleMatch> MatchUncached(std::string_view block) const;

  std::shared_ptr<const Impl> impl_;
  const StopwordSet* stopwords_;  // owned by impl_
};

// One rule file's text and where it came from (for error messages).
struct ProfileSource {
  std::string origin;
  std::string json;
};

class ProfileSet {
 public:
  // Exactly one source must be the generic profile (no "hosts"). Errors name
  // the source and the bad key or pattern.
  static absl::StatusOr<ProfileSet> FromJson(std::span<const ProfileSource> sources);
  // Convenience: a set with only a generic profile.
  static absl::StatusOr<ProfileSet> FromJson(std::string_view generic_json);
  // The profiles compiled into the binary (copies of profiles/*.json at build
  // time). Never fails.
  static ProfileSet Builtin();

  const Profile& generic() const { return *generic_; }
  const std::vector<std::shared_ptr<const Profile>>& sites() const { return sites_; }

  // Profile for a page: by the URL's host (longest matching host suffix),
  // else the first site profile whose "detect" matches the text, else
  // generic.
  const Profile& Select(std::string_view url, std::string_view text) const;
  // The site profile whose "hosts" match the URL's host (longest suffix), or
  // nullptr. Only such a profile may name the page's site: a "detect" match
  // picks which rules apply, but similar text appears on other sites too.
  const Profile* ForUrl(std::string_view url) const;
  // The first site profile whose "detect" matches `text`, else generic.
  const Profile& Detect(std::string_view text) const;

 private:
  std::shared_ptr<const Profile> generic_;
  std::vector<std::shared_ptr<const Profile>> sites_;
};

// Host name of `url` ("https://www.x.com:80/a" -> "www.x.com"), lowercased.
std::string HostOf(std::string_view url);

}  // namespace broadsheet

#endif  // BROADSHEET_CORE_PROFILE_H_
