#include "bench/page_generator.h"

#include <array>

namespace broadsheet::bench {
namespace {

constexpr std::array<const char*, 48> kStop = {
    "the", "of",  "and",  "to",   "a",     "in",    "that",  "is",    "was",   "for",
    "it",  "on",  "with", "as",   "be",    "by",    "at",    "this",  "have",  "from",
    "but", "not", "they", "which", "their", "would", "there", "been",  "were",  "will",
    "has", "more", "if",  "when", "who",   "all",   "than",  "so",    "can",   "about",
    "into", "its", "our", "them", "what",  "we",    "he",    "she"};
constexpr std::array<const char*, 40> kContent = {
    "council",   "harbour",   "ferry",     "budget",    "minister", "election", "voters",
    "bridge",    "policy",    "report",    "committee", "winter",   "schools",  "river",
    "farmers",   "library",   "transport", "housing",   "strategy", "campaign", "members",
    "figures",   "residents", "market",    "prices",    "workers",  "hospital", "valley",
    "review",    "officials", "plan",      "government", "party",   "debate",   "summer",
    "evidence",  "region",    "families",  "services",  "decision"};
constexpr std::array<const char*, 16> kFirst = {"Megan", "Tom",  "Priya", "Sam",  "Ana",  "Lena",
                                                "Oscar", "Ruth", "Kwame", "Iris", "Joel", "Nadia",
                                                "Felix", "Maya", "Owen",  "Zara"};
constexpr std::array<const char*, 16> kLast = {"Tallis", "Ashby", "Raman",  "Okafor",
                                               "Ruiz",   "Fisk",  "Grey",   "Bello",
                                               "Marsh",  "Quint", "Lowry",  "Hale",
                                               "Doyle",  "Price", "Conway", "Adler"};
constexpr std::array<const char*, 12> kNav = {
    "Home", "News", "Politics", "Business", "Culture", "Sport", "Opinion", "Podcasts",
    "Menu", "Search", "Subscribe", "Log in"};
constexpr std::array<const char*, 10> kBoiler = {
    "Print Friendly, PDF & Email",
    "Share this article",
    "Sign up to our daily politics email",
    "We use cookies to improve your experience. By continuing to browse you agree to our use of "
    "cookies.",
    "Independent journalism does not come for free.",
    "If you value our work, please support us by becoming a member.",
    "Advertisement",
    "Read more: The budget in five charts",
    "© 2021 Example Media Ltd. All rights reserved.",
    "0800 123 4567"};

}  // namespace

std::string PageGenerator::Word() {
  return Pick(5) < 2 ? kStop[Pick(kStop.size())] : kContent[Pick(kContent.size())];
}

std::string PageGenerator::Name() {
  return std::string(kFirst[Pick(kFirst.size())]) + " " + kLast[Pick(kLast.size())];
}

std::string PageGenerator::Sentence(int min_words, int max_words) {
  const int n = min_words + static_cast<int>(Pick(max_words - min_words + 1));
  std::string s = Word();
  s[0] = static_cast<char>(s[0] - 32 * (s[0] >= 'a' && s[0] <= 'z'));
  for (int i = 1; i < n; ++i) {
    s += (Pick(11) == 0) ? ", " : " ";
    s += Word();
  }
  s += Pick(9) == 0 ? "?" : ".";
  return s;
}

std::string PageGenerator::Paragraph(int sentences) {
  std::string p;
  for (int i = 0; i < sentences; ++i) {
    if (i) p += Pick(13) == 0 ? "\xC2\xA0" : " ";
    p += Sentence(8, 24);
  }
  return p;
}

void PageGenerator::Article(std::string* out) {
  const int image = static_cast<int>(Pick(3));
  if (image == 1) *out += "Photo: Getty\nShow Hide image\n\n";
  if (image == 2) *out += Sentence(3, 6) + " Photo: Reuters\nShow Hide image\n\n";
  std::string title = Sentence(5, 12);
  title.pop_back();
  *out += title + "\n\n" + Sentence(10, 22) + "\n\n";
  const int paras = 4 + static_cast<int>(Pick(8));
  for (int i = 0; i < paras; ++i) {
    *out += Paragraph(2 + static_cast<int>(Pick(5))) + "\n\n";
    if (Pick(6) == 0) {
      *out += Sentence(6, 12).substr(0, 60) + " Key points were:\n";
      const int items = 2 + static_cast<int>(Pick(5));
      for (int k = 0; k < items; ++k) {
        *out += "\xE2\x80\xA2\xC2\xA0\xC2\xA0\xC2\xA0  " + Sentence(4, 18) + "\n";
        if (Pick(3) == 0) *out += "o\xC2\xA0\xC2\xA0  " + Sentence(3, 10) + "\n";
      }
      *out += "\n";
    }
  }
  const std::string name = Name();
  if (Pick(4) == 0) *out += Sentence(6, 12) + " Photograph: Getty Images.\n\n";
  *out += name + (Pick(2) ? " is political editor of the Weekly Review.\n\n"
                          : " writes about transport and housing.\xC2\xA0 She tweets.\n\n");
}

void PageGenerator::Noise(std::string* out) {
  const int n = 1 + static_cast<int>(Pick(6));
  for (int i = 0; i < n; ++i) *out += std::string(kNav[Pick(kNav.size())]) + "\n";
  *out += std::string(kBoiler[Pick(kBoiler.size())]) + "\n\n";
}

std::string PageGenerator::Page(size_t target_bytes) {
  std::string out;
  out.reserve(target_bytes + 4096);
  if (Pick(3) == 0) out += "Ledger | Independent news for the valley\n\n";
  if (Pick(2) == 0) Noise(&out);
  do {
    Article(&out);
  } while (out.size() < target_bytes);
  for (int i = 0; i < 3; ++i) out += std::string(kBoiler[Pick(kBoiler.size())]) + "\n\n";
  if (Pick(2) == 0) {
    out += Name() + "\n\nis a reporter who covers the region\n\n\n";
    const int comments = 1 + static_cast<int>(Pick(4));
    for (int c = 0; c < comments; ++c) {
      out += "  \xE2\x80\xA2 " + Sentence(6, 14) + "\n    " + Sentence(4, 12) + "\n\n";
    }
  }
  Noise(&out);
  return out;
}

}  // namespace broadsheet::bench
