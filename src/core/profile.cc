#include "core/profile.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cctype>
#include <cstring>
#include <nlohmann/json.hpp>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/text_util.h"

namespace broadsheet {
namespace {

using Json = nlohmann::json;

constexpr RuleKind kKindOrder[] = {RuleKind::kImageMarker, RuleKind::kBoilerplate,
                                   RuleKind::kCredit,      RuleKind::kBio,
                                   RuleKind::kByline,      RuleKind::kCommentHeader};
constexpr const char* kKindKeys[] = {"image_markers", "boilerplate", "credits",
                                     "bios",          "bylines",     "comment_headers"};

struct RawRule {
  std::string name;
  std::string pattern;
  size_t max_chars = SIZE_MAX;
};

// A profile file as read, before merging and compiling.
// Its implicit copy names the index over rules[6] __i0, which clang-tidy flags.
// NOLINTNEXTLINE(bugprone-reserved-identifier,readability-identifier-naming)
struct RawProfile {
  std::string origin;
  std::string name;
  std::vector<std::string> hosts;
  std::vector<std::string> detect;
  std::optional<Site> site;
  std::optional<std::string> site_header;
  std::optional<std::string> byline_role;
  std::vector<RawRule> rules[6];
  std::vector<std::string> stopwords;
  std::optional<StandfirstMode> standfirst;
  std::optional<size_t> max_rule_chars;
};

absl::Status Bad(const std::string& origin, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(origin, ": ", std::string(what)));
}

absl::StatusOr<std::vector<std::string>> StringList(const Json& j, const std::string& origin,
                                                    const char* key) {
  std::vector<std::string> out;
  if (!j.contains(key)) return out;
  const Json& v = j.at(key);
  if (!v.is_array()) return Bad(origin, absl::StrCat("\"", key, "\" must be an array of strings"));
  for (const Json& e : v) {
    if (!e.is_string()) return Bad(origin, absl::StrCat("\"", key, "\" must hold strings only"));
    out.push_back(e.get<std::string>());
  }
  return out;
}

absl::StatusOr<RawProfile> ReadRaw(const ProfileSource& src) {
  RawProfile p;
  p.origin = src.origin;
  Json j;
  try {
    j = Json::parse(src.json);
  } catch (const Json::exception& e) {
    return Bad(src.origin, absl::StrCat("invalid JSON: ", e.what()));
  }
  if (!j.is_object()) return Bad(src.origin, "a profile must be a JSON object");
  auto str = [&](const char* key, std::string* out) -> absl::Status {
    if (!j.contains(key)) return absl::OkStatus();
    if (!j.at(key).is_string()) return Bad(src.origin, absl::StrCat("\"", key, "\" must be a string"));
    *out = j.at(key).get<std::string>();
    return absl::OkStatus();
  };
  if (auto s = str("name", &p.name); !s.ok()) return s;
  auto hosts = StringList(j, src.origin, "hosts");
  if (!hosts.ok()) return hosts.status();
  for (auto& h : *hosts) {
    std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::tolower(c); });
  }
  p.hosts = std::move(*hosts);
  auto detect = StringList(j, src.origin, "detect");
  if (!detect.ok()) return detect.status();
  p.detect = std::move(*detect);
  auto stop = StringList(j, src.origin, "stopwords");
  if (!stop.ok()) return stop.status();
  p.stopwords = std::move(*stop);
  if (j.contains("site")) {
    const Json& s = j.at("site");
    if (!s.is_object()) return Bad(src.origin, "\"site\" must be an object");
    Site site;
    if (s.contains("name") && s.at("name").is_string()) site.name = s.at("name").get<std::string>();
    if (s.contains("tagline") && s.at("tagline").is_string()) {
      site.tagline = s.at("tagline").get<std::string>();
    }
    p.site = site;
  }
  if (j.contains("site_header")) {
    std::string h;
    if (auto s = str("site_header", &h); !s.ok()) return s;
    p.site_header = h;
  }
  if (j.contains("byline_role")) {
    std::string r;
    if (auto s = str("byline_role", &r); !s.ok()) return s;
    p.byline_role = r;
  }
  if (j.contains("standfirst")) {
    std::string m;
    if (auto s = str("standfirst", &m); !s.ok()) return s;
    if (m == "auto") p.standfirst = StandfirstMode::kAuto;
    else if (m == "always") p.standfirst = StandfirstMode::kAlways;
    else if (m == "never") p.standfirst = StandfirstMode::kNever;
    else return Bad(src.origin, "\"standfirst\" must be \"auto\", \"always\" or \"never\"");
  }
  if (j.contains("max_rule_chars")) {
    if (!j.at("max_rule_chars").is_number_unsigned()) {
      return Bad(src.origin, "\"max_rule_chars\" must be a positive integer");
    }
    p.max_rule_chars = j.at("max_rule_chars").get<size_t>();
  }
  for (int k = 0; k < 6; ++k) {
    if (!j.contains(kKindKeys[k])) continue;
    const Json& arr = j.at(kKindKeys[k]);
    if (!arr.is_array()) return Bad(src.origin, absl::StrCat("\"", kKindKeys[k], "\" must be an array"));
    int index = 0;
    for (const Json& e : arr) {
      RawRule r;
      if (e.is_string()) {
        r.pattern = e.get<std::string>();
        r.name = absl::StrCat(kKindKeys[k], "[", index, "]");
      } else if (e.is_object() && e.contains("pattern") && e.at("pattern").is_string()) {
        r.pattern = e.at("pattern").get<std::string>();
        r.name = e.contains("rule") && e.at("rule").is_string()
                     ? e.at("rule").get<std::string>()
                     : absl::StrCat(kKindKeys[k], "[", index, "]");
        if (e.contains("max_chars")) {
          if (!e.at("max_chars").is_number_unsigned()) {
            return Bad(src.origin, absl::StrCat("rule \"", r.name, "\": max_chars must be a ",
                                                "positive integer"));
          }
          r.max_chars = e.at("max_chars").get<size_t>();
        }
      } else {
        return Bad(src.origin, absl::StrCat("\"", kKindKeys[k], "\"[", index,
                                            "] must be a string or {\"rule\", \"pattern\"}"));
      }
      p.rules[k].push_back(std::move(r));
      ++index;
    }
  }
  return p;
}

RawProfile Merge(const RawProfile& site, const RawProfile& generic) {
  RawProfile m = site;
  if (!m.site_header) m.site_header = generic.site_header;
  if (!m.byline_role) m.byline_role = generic.byline_role;
  for (int k = 0; k < 6; ++k) {
    m.rules[k].insert(m.rules[k].end(), generic.rules[k].begin(), generic.rules[k].end());
  }
  m.stopwords.insert(m.stopwords.end(), generic.stopwords.begin(), generic.stopwords.end());
  if (!m.standfirst) m.standfirst = generic.standfirst;
  if (!m.max_rule_chars) m.max_rule_chars = generic.max_rule_chars;
  return m;
}

constexpr size_t kShortTierChars = 250;

RE2::Options RuleOptions() {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(256 << 20);
  return o;
}

}  // namespace

struct CompiledRule {
  RuleKind kind;
  std::string name;
  size_t max_chars = SIZE_MAX;
  std::unique_ptr<RE2> re;
  // The same pattern with \p{L}, \p{Lu} and \p{Ll} narrowed to ASCII, for
  // extracting groups from ASCII blocks (where it matches exactly as `re`
  // does): Unicode classes make the program ~10x larger, and RE2's submatch
  // engines pay for program size on every match. Null when not applicable.
  std::unique_ptr<RE2> ascii_re;
  int g_name = -1, g_caption = -1, g_credit = -1;
};

struct Profile::Impl {
  // Unique per compiled profile for the process lifetime (never reused, unlike
  // addresses): the key of this profile's entries in the Match() memo.
  uint64_t id = 0;
  std::string name;
  std::vector<std::string> hosts;
  Site site;
  StandfirstMode standfirst = StandfirstMode::kAuto;
  size_t max_rule_chars = 600;
  std::vector<CompiledRule> rules;
  // One RE2::Set per block length class, so that every block costs one DFA
  // scan (the call overhead dominates on short blocks): tiers[0] holds every
  // rule, for blocks up to kShortTierChars; tiers[1] only the rules that take
  // longer blocks, so long body paragraphs meet few rules and a small DFA.
  struct Tier {
    std::unique_ptr<RE2::Set> set;
    std::vector<int> rule_index;  // set index -> rules index
    size_t max_chars = 0;         // longest block any rule in the tier takes
  };
  Tier tiers[2];
  std::unique_ptr<RE2> site_header;
  std::unique_ptr<RE2> site_header_ascii;  // as CompiledRule::ascii_re
  std::unique_ptr<RE2> byline_role;
  int g_site_name = -1, g_site_tagline = -1;
  struct DetectRule {
    std::unique_ptr<RE2> re;
    // A literal every match contains, or empty: a memmem() for it skips the
    // regex scan of pages that cannot match (most of them).
    std::string required;
  };
  std::vector<DetectRule> detect;
  std::optional<Profile::StopwordSet> stopwords;

  static absl::StatusOr<std::shared_ptr<const Impl>> Compile(const RawProfile& raw);
};

namespace {

// `pattern` with the Unicode letter classes \p{L}, \p{Lu} and \p{Ll}
// replaced by their ASCII members, or nullopt when it has none or has other
// \p / \P classes.
std::optional<std::string> AsciiVariant(std::string_view pattern) {
  std::string out;
  bool in_class = false, changed = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      const char e = pattern[i + 1];
      if (e == 'p' || e == 'P') {
        const std::string_view rest = pattern.substr(i);
        const char* ascii = nullptr;
        size_t len = 0;
        if (rest.starts_with("\\p{Lu}")) ascii = "A-Z", len = 6;
        else if (rest.starts_with("\\p{Ll}")) ascii = "a-z", len = 6;
        else if (rest.starts_with("\\p{L}")) ascii = "A-Za-z", len = 5;
        if (ascii == nullptr) return std::nullopt;
        out += in_class ? std::string(ascii) : absl::StrCat("[", ascii, "]");
        i += len - 1;
        changed = true;
        continue;
      }
      out += c;
      out += e;
      ++i;
      continue;
    }
    if (c == '[' && !in_class) {
      in_class = true;
      out += c;
      // A ']' or '^]' right after '[' is a literal.
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') out += pattern[++i];
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') out += pattern[++i];
      continue;
    }
    if (c == ']' && in_class) in_class = false;
    out += c;
  }
  if (!changed) return std::nullopt;
  return out;
}

// The literal text a pattern starts with (after an optional '^'), when every
// match must contain it: no alternation or flags anywhere, and the run stops
// before any character that a quantifier could make optional. Empty when
// there is no such literal of at least 3 bytes.
std::string RequiredLiteralPrefix(std::string_view pattern) {
  // Unescaped '|' anywhere means alternation.
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;
    } else if (pattern[i] == '|' || (pattern[i] == '(' && i + 1 < pattern.size() &&
                                     pattern[i + 1] == '?')) {
      return {};
    }
  }
  size_t i = pattern.starts_with('^') ? 1 : 0;
  std::string lit;
  while (i < pattern.size()) {
    const char c = pattern[i];
    size_t len = 1;
    char out = c;
    if (c == '\\' && i + 1 < pattern.size()) {
      const char e = pattern[i + 1];
      if (std::isalnum(static_cast<unsigned char>(e))) break;  // \s, \d, \b, ...
      out = e;
      len = 2;
    } else if (std::strchr(".[]()*+?{}^$", c) != nullptr) {
      break;
    }
    // A quantifier after this character makes it optional or repeated.
    const char next = i + len < pattern.size() ? pattern[i + len] : '\0';
    if (next == '*' || next == '+' || next == '?' || next == '{') break;
    lit += out;
    i += len;
  }
  return lit.size() >= 3 ? lit : std::string();
}

bool IsAscii(std::string_view s) {
  uint64_t acc = 0;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    acc |= w;
  }
  for (; i < s.size(); ++i) acc |= static_cast<unsigned char>(s[i]);
  return (acc & 0x8080808080808080ull) == 0;
}

re2::StringPiece Piece(std::string_view s) { return re2::StringPiece(s.data(), s.size()); }

int Group(const RE2& re, const char* name) {
  const auto& groups = re.NamedCapturingGroups();
  auto it = groups.find(name);
  return it == groups.end() ? -1 : it->second;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Profile::Impl>> Profile::Impl::Compile(const RawProfile& raw) {
  auto impl = std::make_shared<Impl>();
  static std::atomic<uint64_t> next_id{1};
  impl->id = next_id.fetch_add(1, std::memory_order_relaxed);
  impl->name = raw.name.empty() ? "generic" : raw.name;
  impl->hosts = raw.hosts;
  if (raw.site) impl->site = *raw.site;
  if (raw.standfirst) impl->standfirst = *raw.standfirst;
  if (raw.max_rule_chars) impl->max_rule_chars = *raw.max_rule_chars;
  const RE2::Options opts = RuleOptions();
  for (auto& tier : impl->tiers) tier.set = std::make_unique<RE2::Set>(opts, RE2::UNANCHORED);
  for (int k = 0; k < 6; ++k) {
    for (const RawRule& r : raw.rules[k]) {
      CompiledRule c;
      c.kind = kKindOrder[k];
      c.name = r.name;
      c.max_chars = r.max_chars;
      c.re = std::make_unique<RE2>(r.pattern, opts);
      if (!c.re->ok()) {
        return Bad(raw.origin, absl::StrCat(kKindKeys[k], " rule \"", r.name,
                                            "\": bad pattern: ", c.re->error()));
      }
      if (auto ascii = AsciiVariant(r.pattern)) {
        auto re = std::make_unique<RE2>(*ascii, opts);
        // Keep it only if it compiled to the same groups (it always should).
        if (re->ok() && re->NamedCapturingGroups() == c.re->NamedCapturingGroups()) {
          c.ascii_re = std::move(re);
        }
      }
      c.g_name = Group(*c.re, "name");
      c.g_caption = Group(*c.re, "caption");
      c.g_credit = Group(*c.re, "credit");
      if ((c.kind == RuleKind::kBio || c.kind == RuleKind::kByline) && c.g_name < 0) {
        return Bad(raw.origin, absl::StrCat("rule \"", r.name, "\" needs a (?P<name>...) group"));
      }
      // A credit rule names who took the picture, or only what it shows
      // ("Image caption, ..." beside an "Image source, ..." line).
      if (c.kind == RuleKind::kCredit && c.g_credit < 0 && c.g_caption < 0) {
        return Bad(raw.origin,
                   absl::StrCat("rule \"", r.name,
                                "\" needs a (?P<credit>...) or (?P<caption>...) group"));
      }
      c.max_chars = std::min(c.max_chars, impl->max_rule_chars);
      for (int t = 0; t < 2; ++t) {
        if (t == 1 && c.max_chars <= kShortTierChars) continue;
        Tier& tier = impl->tiers[t];
        std::string err;
        if (tier.set->Add(r.pattern, &err) < 0) {
          return Bad(raw.origin, absl::StrCat("rule \"", r.name, "\": ", err));
        }
        tier.rule_index.push_back(static_cast<int>(impl->rules.size()));
        tier.max_chars = std::max(tier.max_chars, c.max_chars);
      }
      impl->rules.push_back(std::move(c));
    }
  }
  for (auto& tier : impl->tiers) {
    if (!tier.rule_index.empty() && !tier.set->Compile()) {
      return Bad(raw.origin, "rules too large to compile");
    }
  }
  if (raw.site_header && !raw.site_header->empty()) {
    impl->site_header = std::make_unique<RE2>(*raw.site_header, opts);
    if (!impl->site_header->ok()) {
      return Bad(raw.origin, absl::StrCat("site_header: bad pattern: ", impl->site_header->error()));
    }
    if (auto ascii = AsciiVariant(*raw.site_header)) {
      auto re = std::make_unique<RE2>(*ascii, opts);
      if (re->ok() && re->NamedCapturingGroups() == impl->site_header->NamedCapturingGroups()) {
        impl->site_header_ascii = std::move(re);
      }
    }
    impl->g_site_name = Group(*impl->site_header, "name");
    impl->g_site_tagline = Group(*impl->site_header, "tagline");
    if (impl->g_site_name < 0) return Bad(raw.origin, "site_header needs a (?P<name>...) group");
  }
  if (raw.byline_role && !raw.byline_role->empty()) {
    impl->byline_role = std::make_unique<RE2>(*raw.byline_role, opts);
    if (!impl->byline_role->ok()) {
      return Bad(raw.origin, absl::StrCat("byline_role: bad pattern: ", impl->byline_role->error()));
    }
  }
  for (const auto& d : raw.detect) {
    RE2::Options dopts = opts;
    dopts.set_posix_syntax(false);
    auto re = std::make_unique<RE2>("(?m)" + d, dopts);
    if (!re->ok()) return Bad(raw.origin, absl::StrCat("detect: bad pattern: ", re->error()));
    impl->detect.push_back({std::move(re), RequiredLiteralPrefix(d)});
  }
  std::vector<text::WordKey> keys;
  keys.reserve(raw.stopwords.size());
  for (const auto& w : raw.stopwords) keys.push_back(text::MakeWordKey(w));
  impl->stopwords.emplace(keys);
  return std::shared_ptr<const Impl>(std::move(impl));
}

Profile::Profile(std::shared_ptr<const Impl> impl)
    : impl_(std::move(impl)), stopwords_(&*impl_->stopwords) {}
Profile::~Profile() = default;

const std::string& Profile::name() const { return impl_->name; }
const std::vector<std::string>& Profile::hosts() const { return impl_->hosts; }
StandfirstMode Profile::standfirst_mode() const { return impl_->standfirst; }
size_t Profile::max_rule_chars() const { return impl_->max_rule_chars; }
const Site& Profile::site() const { return impl_->site; }

namespace {

// Match() results for short blocks, per thread. Pages of one site repeat the
// same short lines (navigation, share bars, credits, footers, comment
// counts), and every RE2 call costs ~1k instructions before it reads a byte.
// Direct-mapped; an entry is reused only for the same profile and the same
// bytes, so results are exactly what the regexes would return.
constexpr size_t kMemoMaxChars = 128;
constexpr int kMemoBits = 10;
struct MemoSlot {
  uint64_t owner = 0;  // Profile::Impl::id; 0 = empty
  uint64_t hash = 0;
  uint32_t len = 0;
  int32_t rule = -1;  // Impl::rules index, -1 = no match
  // name, caption, credit as offsets into the block; kNoGroup = unset.
  static constexpr uint8_t kNoGroup = 0xFF;
  uint8_t off[3] = {kNoGroup, kNoGroup, kNoGroup};
  uint8_t len3[3] = {0, 0, 0};
  char text[kMemoMaxChars];
};
static_assert(kMemoMaxChars < MemoSlot::kNoGroup);

MemoSlot* MemoTable() {
  thread_local std::unique_ptr<MemoSlot[]> table(new MemoSlot[size_t{1} << kMemoBits]);
  return table.get();  // NOLINT(clang-analyzer-cplusplus.NewDelete): freed at thread exit
}

}  // namespace

std::optional<RuleMatch> Profile::Match(std::string_view block) const {
  if (block.size() > kMemoMaxChars) return MatchUncached(block);
  const uint64_t hash = XXH3_64bits(block.data(), block.size());
  MemoSlot& slot =
      MemoTable()[((hash ^ impl_->id) * 0x9E3779B97F4A7C15ull) >> (64 - kMemoBits)];
  if (slot.owner == impl_->id && slot.hash == hash && slot.len == block.size() &&
      std::memcmp(slot.text, block.data(), block.size()) == 0) {
    if (slot.rule < 0) return std::nullopt;
    const CompiledRule& r = impl_->rules[static_cast<size_t>(slot.rule)];
    auto view = [&](int g) {
      return slot.off[g] == MemoSlot::kNoGroup ? std::string_view()
                                               : block.substr(slot.off[g], slot.len3[g]);
    };
    return RuleMatch{r.kind, r.name, view(0), view(1), view(2)};
  }
  std::optional<RuleMatch> m = MatchUncached(block);
  slot.owner = impl_->id;
  slot.hash = hash;
  slot.len = static_cast<uint32_t>(block.size());
  std::memcpy(slot.text, block.data(), block.size());
  slot.rule = -1;
  if (m) {
    // RuleMatch::rule views the rule's name: find the rule by its address.
    for (size_t i = 0; i < impl_->rules.size(); ++i) {
      if (impl_->rules[i].name.data() == m->rule.data()) slot.rule = static_cast<int32_t>(i);
    }
    const std::string_view groups[3] = {m->name, m->caption, m->credit};
    for (int g = 0; g < 3; ++g) {
      if (groups[g].data() == nullptr) {
        slot.off[g] = MemoSlot::kNoGroup;
        slot.len3[g] = 0;
      } else {
        slot.off[g] = static_cast<uint8_t>(groups[g].data() - block.data());
        slot.len3[g] = static_cast<uint8_t>(groups[g].size());
      }
    }
    if (slot.rule < 0) slot.owner = 0;  // cannot happen; never serve a wrong entry
  }
  return m;
}

std::optional<RuleMatch> Profile::MatchUncached(std::string_view block) const {
  thread_local std::vector<int> hits;
  const auto& tier = impl_->tiers[block.size() <= kShortTierChars ? 0 : 1];
  if (tier.rule_index.empty() || block.size() > tier.max_chars) return std::nullopt;
  // Most blocks match no rule. Asking only whether any rule matches skips
  // the per-call allocations RE2::Set makes to collect the matching rules,
  // which cost more than a second scan of the few blocks that do match.
  if (!tier.set->Match(Piece(block), nullptr)) return std::nullopt;
  hits.clear();
  if (!tier.set->Match(Piece(block), &hits)) return std::nullopt;
  for (int& h : hits) h = tier.rule_index[h];
  std::sort(hits.begin(), hits.end());
  const CompiledRule* best = nullptr;
  for (int h : hits) {
    if (block.size() <= impl_->rules[h].max_chars) {
      best = &impl_->rules[h];
      break;
    }
  }
  if (best == nullptr) return std::nullopt;
  const CompiledRule& r = *best;
  RuleMatch m{r.kind, r.name, {}, {}, {}};
  if (r.g_name < 0 && r.g_caption < 0 && r.g_credit < 0) return m;
  const RE2& re = r.ascii_re != nullptr && IsAscii(block) ? *r.ascii_re : *r.re;
  re2::StringPiece groups[8];
  const int n = std::min(re.NumberOfCapturingGroups() + 1, 8);
  if (!re.Match(Piece(block), 0, block.size(), RE2::UNANCHORED, groups, n)) return std::nullopt;
  auto get = [&](int g) {
    return g >= 0 && g < n && groups[g].data() != nullptr
               ? text::Trim(std::string_view(groups[g].data(), groups[g].size()))
               : std::string_view();
  };
  m.name = get(r.g_name);
  m.caption = get(r.g_caption);
  m.credit = get(r.g_credit);
  return m;
}

bool Profile::MatchSiteHeader(std::string_view block, Site* site) const {
  if (!impl_->site_header) return false;
  const RE2& re = impl_->site_header_ascii != nullptr && IsAscii(block) ? *impl_->site_header_ascii
                                                                        : *impl_->site_header;
  re2::StringPiece groups[8];
  const int n = std::min(re.NumberOfCapturingGroups() + 1, 8);
  if (!re.Match(Piece(block), 0, block.size(), RE2::UNANCHORED, groups, n)) return false;
  auto get = [&](int g) {
    return g >= 0 && g < n && groups[g].data() != nullptr
               ? std::string(text::Trim(std::string_view(groups[g].data(), groups[g].size())))
               : std::string();
  };
  site->name = get(impl_->g_site_name);
  site->tagline = get(impl_->g_site_tagline);
  return !site->name.empty();
}

bool Profile::MatchesBylineRole(std::string_view block) const {
  return impl_->byline_role != nullptr && block.size() <= kMaxBylineRoleChars &&
         RE2::FullMatch(Piece(block), *impl_->byline_role);
}

bool Profile::MentionsBylineRole(std::string_view text) const {
  return impl_->byline_role != nullptr && RE2::PartialMatch(Piece(text), *impl_->byline_role);
}

bool Profile::Detects(std::string_view page_prefix) const {
  for (const auto& d : impl_->detect) {
    size_t from = 0;
    if (!d.required.empty()) {
      from = page_prefix.find(d.required);
      if (from == std::string_view::npos) continue;
    }
    // Every match starts with `required`, so none starts before its first
    // occurrence; RE2 still sees the whole prefix as context for (?m)^.
    if (d.re->Match(Piece(page_prefix), from, page_prefix.size(), RE2::UNANCHORED, nullptr, 0)) {
      return true;
    }
  }
  return false;
}

Profile::StopwordSet::StopwordSet(const std::vector<text::WordKey>& keys) {
  // Start at about one key per bucket and double until no bucket overflows
  // (a few hundred stopwords fit in 512 buckets, 32 KB).
  int bits = 1;  // a shift by 64 would be undefined
  while ((size_t{1} << bits) < keys.size()) ++bits;
  for (;; ++bits) {
    shift_ = 64 - bits;
    table_.assign((size_t{1} << bits) * kBucketSlots, text::WordKey{});
    bool overflow = false;
    for (const text::WordKey& key : keys) {
      if (key == text::WordKey{}) continue;  // empty or longer than a key holds
      text::WordKey* b = &table_[Bucket(key) * kBucketSlots];
      size_t k = 0;
      while (k < kBucketSlots && b[k] != text::WordKey{} && b[k] != key) ++k;
      if (k == kBucketSlots) {
        overflow = true;
        break;
      }
      b[k] = key;
    }
    if (!overflow) return;
  }
}

absl::StatusOr<ProfileSet> ProfileSet::FromJson(std::span<const ProfileSource> sources) {
  std::vector<RawProfile> raws;
  std::optional<RawProfile> generic;
  for (const auto& src : sources) {
    auto raw = ReadRaw(src);
    if (!raw.ok()) return raw.status();
    if (raw->hosts.empty() && raw->detect.empty()) {
      if (generic) {
        return Bad(src.origin, absl::StrCat("second generic profile (no \"hosts\"); first was ",
                                            generic->origin));
      }
      generic = std::move(*raw);
    } else {
      if (raw->name.empty()) return Bad(src.origin, "a site profile needs a \"name\"");
      raws.push_back(std::move(*raw));
    }
  }
  if (!generic) return absl::InvalidArgumentError("no generic profile (a file without \"hosts\")");
  ProfileSet set;
  auto g = Profile::Impl::Compile(*generic);
  if (!g.ok()) return g.status();
  set.generic_ = std::make_shared<const Profile>(*g);
  // Deterministic order whatever the directory listing order was.
  std::sort(raws.begin(), raws.end(),
            [](const RawProfile& a, const RawProfile& b) { return a.name < b.name; });
  for (const auto& raw : raws) {
    auto c = Profile::Impl::Compile(Merge(raw, *generic));
    if (!c.ok()) return c.status();
    set.sites_.push_back(std::make_shared<const Profile>(*c));
  }
  return set;
}

absl::StatusOr<ProfileSet> ProfileSet::FromJson(std::string_view generic_json) {
  ProfileSource src{"<json>", std::string(generic_json)};
  return FromJson(std::span<const ProfileSource>(&src, 1));
}

std::string HostOf(std::string_view url) {
  size_t p = url.find("://");
  if (p != std::string_view::npos) url.remove_prefix(p + 3);
  url = url.substr(0, url.find_first_of("/?#"));
  if (size_t at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
  url = url.substr(0, url.find(':'));
  std::string host(url);
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return host;
}

const Profile* ProfileSet::ForUrl(std::string_view url) const {
  if (url.empty()) return nullptr;
  const std::string host = HostOf(url);
  const Profile* best = nullptr;
  size_t best_len = 0;
  for (const auto& site : sites_) {
    for (const auto& h : site->hosts()) {
      const bool match = host == h || (host.size() > h.size() && host.ends_with(h) &&
                                        host[host.size() - h.size() - 1] == '.');
      if (match && h.size() > best_len) best = site.get(), best_len = h.size();
    }
  }
  return best;
}

const Profile& ProfileSet::Detect(std::string_view text) const {
  const std::string_view prefix = text.substr(0, 64 << 10);
  for (const auto& site : sites_) {
    if (site->Detects(prefix)) return *site;
  }
  return *generic_;
}

const Profile& ProfileSet::Select(std::string_view url, std::string_view text) const {
  const Profile* by_url = ForUrl(url);
  return by_url != nullptr ? *by_url : Detect(text);
}

}  // namespace broadsheet
