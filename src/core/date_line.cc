#include "core/date_line.h"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

namespace broadsheet {
namespace {

struct Token {
  enum Kind : uint8_t { kWord, kNumber, kMark } kind;
  std::string text;  // words ASCII-lowercased; marks one byte
  size_t begin = 0;  // byte offsets in the line
  size_t end = 0;
};

std::vector<Token> Tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    auto is_letter = [](unsigned char b) {
      return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b >= 0x80;
    };
    // U+0080-U+00BF (lead byte 0xC2: "\u00b7", "\u00bb", no-break space) and
    // U+2000-U+2FFF (0xE2: dashes, bullets, arrows) are marks, not letters.
    if ((c == 0xC2 || c == 0xE2) && i + 1 < s.size()) {
      const size_t n = c == 0xC2 ? 2 : std::min<size_t>(3, s.size() - i);
      if (!(c == 0xC2 && static_cast<unsigned char>(s[i + 1]) == 0xA0)) {
        out.push_back({Token::kMark, std::string(s.substr(i, n)), i, i + n});
      }
      i += n;
      continue;
    }
    if (c >= '0' && c <= '9') {
      size_t j = i;
      while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
      out.push_back({Token::kNumber, std::string(s.substr(i, j - i)), i, j});
      i = j;
    } else if (is_letter(c)) {
      size_t j = i;
      std::string word;
      while (j < s.size() && is_letter(static_cast<unsigned char>(s[j]))) {
        char b = s[j++];
        word.push_back(b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
      }
      out.push_back({Token::kWord, std::move(word), i, j});
      i = j;
    } else {
      if (c != ' ' && c != '\t') out.push_back({Token::kMark, std::string(1, s[i]), i, i + 1});
      ++i;
    }
  }
  return out;
}

// 1-12 for a month name or abbreviation, 0 otherwise.
int MonthOf(const std::string& w) {
  struct Name {
    const char* text;
    int month;
  };
  static constexpr std::array kNames = {
      Name{"january", 1},   Name{"jan", 1},        Name{"janvier", 1},   Name{"januar", 1},
      Name{"jänner", 1},    Name{"enero", 1},      Name{"gennaio", 1},   Name{"february", 2},
      Name{"feb", 2},       Name{"février", 2},    Name{"fevrier", 2},   Name{"févr", 2},
      Name{"februar", 2},   Name{"febrero", 2},    Name{"febbraio", 2},  Name{"march", 3},
      Name{"mar", 3},       Name{"mars", 3},       Name{"märz", 3},      Name{"maerz", 3},
      Name{"marzo", 3},     Name{"april", 4},      Name{"apr", 4},       Name{"avril", 4},
      Name{"avr", 4},       Name{"abril", 4},      Name{"aprile", 4},    Name{"may", 5},
      Name{"mai", 5},       Name{"mayo", 5},       Name{"maggio", 5},    Name{"june", 6},
      Name{"jun", 6},       Name{"juin", 6},       Name{"juni", 6},      Name{"junio", 6},
      Name{"giugno", 6},    Name{"july", 7},       Name{"jul", 7},       Name{"juillet", 7},
      Name{"juil", 7},      Name{"juli", 7},       Name{"julio", 7},     Name{"luglio", 7},
      Name{"august", 8},    Name{"aug", 8},        Name{"août", 8},      Name{"aout", 8},
      Name{"agosto", 8},    Name{"september", 9},  Name{"sep", 9},       Name{"sept", 9},
      Name{"septembre", 9}, Name{"septiembre", 9}, Name{"settembre", 9}, Name{"october", 10},
      Name{"oct", 10},      Name{"octobre", 10},   Name{"oktober", 10},  Name{"okt", 10},
      Name{"octubre", 10},  Name{"ottobre", 10},   Name{"november", 11}, Name{"nov", 11},
      Name{"novembre", 11}, Name{"noviembre", 11}, Name{"december", 12}, Name{"dec", 12},
      Name{"décembre", 12}, Name{"decembre", 12},  Name{"déc", 12},      Name{"dezember", 12},
      Name{"dez", 12},      Name{"diciembre", 12}, Name{"dicembre", 12},
  };
  for (const Name& n : kNames) {
    if (w == n.text) return n.month;
  }
  return 0;
}

// Minutes east of UTC for a named zone; nullopt when not one.
std::optional<int> ZoneOffset(const std::string& w) {
  struct Zone {
    const char* name;
    int minutes;
  };
  static constexpr std::array kZones = {
      Zone{"gmt", 0},    Zone{"utc", 0},    Zone{"z", 0},       Zone{"bst", 60},
      Zone{"cet", 60},   Zone{"cest", 120}, Zone{"est", -300},  Zone{"edt", -240},
      Zone{"cst", -360}, Zone{"cdt", -300}, Zone{"mst", -420},  Zone{"mdt", -360},
      Zone{"pst", -480}, Zone{"pdt", -420}, Zone{"akst", -540}, Zone{"akdt", -480},
      Zone{"hst", -600}, Zone{"adt", -180}, Zone{"nst", -210},  Zone{"ndt", -150},
      Zone{"wat", 60},   Zone{"cat", 120},  Zone{"sast", 120},  Zone{"eat", 180},
      Zone{"pkt", 300},  Zone{"sgt", 480},  Zone{"hkt", 480},   Zone{"awst", 480},
      Zone{"jst", 540},  Zone{"kst", 540},  Zone{"acst", 570},  Zone{"acdt", 630},
      Zone{"aest", 600}, Zone{"aedt", 660}, Zone{"nzst", 720},  Zone{"nzdt", 780},
      // (Not "ist" or "ast": India or Ireland, Atlantic or Arabia.)
  };
  for (const Zone& z : kZones) {
    if (w == z.name) return z.minutes;
  }
  return std::nullopt;
}

bool IsNumber(const std::vector<Token>& t, size_t i, size_t min_len, size_t max_len) {
  return i < t.size() && t[i].kind == Token::kNumber && t[i].text.size() >= min_len &&
         t[i].text.size() <= max_len;
}
bool Is(const std::vector<Token>& t, size_t i, std::string_view text) {
  return i < t.size() && t[i].text == text;
}
bool IsOrdinal(const std::vector<Token>& t, size_t i) {
  return Is(t, i, "st") || Is(t, i, "nd") || Is(t, i, "rd") || Is(t, i, "th") ||
         Is(t, i, "er");  // "1er mars"
}

// Days since 1970-01-01 of a civil date (proleptic Gregorian).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool ValidDate(int y, int m, int d) {
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m != 2 || d <= 28 || leap;
}

struct Date {
  int year = 0, month = 0, day = 0;
  size_t next = 0;  // the token after the date
};

// A date starting at token i, if one does.
std::optional<Date> DateAt(const std::vector<Token>& t, size_t i) {
  // ISO: 2024-03-14
  if (IsNumber(t, i, 4, 4) && Is(t, i + 1, "-") && IsNumber(t, i + 2, 1, 2) && Is(t, i + 3, "-") &&
      IsNumber(t, i + 4, 1, 2)) {
    return Date{std::stoi(t[i].text), std::stoi(t[i + 2].text), std::stoi(t[i + 4].text), i + 5};
  }
  // Day first: 14 March 2024, 14th March, 2024, 12. März 2024, 12 de marzo de 2024
  if (IsNumber(t, i, 1, 2)) {
    size_t k = i + 1;
    if (IsOrdinal(t, k) || Is(t, k, ".")) ++k;
    if (Is(t, k, "de")) ++k;
    if (k < t.size() && t[k].kind == Token::kWord) {
      if (const int month = MonthOf(t[k].text)) {
        size_t y = k + 1;
        if (Is(t, y, ".")) ++y;
        if (Is(t, y, ",") || Is(t, y, "de")) ++y;
        if (IsNumber(t, y, 4, 4))
          return Date{std::stoi(t[y].text), month, std::stoi(t[i].text), y + 1};
      }
    }
  }
  // Month first: October 3, 2024 / Oct. 3rd 2024
  if (i < t.size() && t[i].kind == Token::kWord) {
    if (const int month = MonthOf(t[i].text)) {
      size_t k = i + 1;
      if (Is(t, k, ".")) ++k;
      if (IsNumber(t, k, 1, 2)) {
        size_t y = k + 1;
        if (IsOrdinal(t, y)) ++y;
        if (Is(t, y, ",")) ++y;
        if (IsNumber(t, y, 4, 4))
          return Date{std::stoi(t[y].text), month, std::stoi(t[k].text), y + 1};
      }
    }
  }
  return std::nullopt;
}

// A time of day, "06:30", "6.30pm", "07h30", "4:12 PM UTC", "12:15 a.m.",
// with its zone when one follows.
struct Clock {
  bool valid = true;           // false: written like a time, but none ("13:00 pm")
  int minutes = 0;             // since midnight
  std::optional<int> offset;   // minutes east of UTC, when given
  std::optional<int> us_zone;  // ET/CT/MT/PT: standard offset, summer time unknown
  size_t next = 0;
};

Clock InvalidClock() {
  Clock c;
  c.valid = false;
  return c;
}

// US zones written without standard/daylight: their standard offsets.
std::optional<int> UsZone(const std::string& w) {
  if (w == "et") return -300;
  if (w == "ct") return -360;
  if (w == "mt") return -420;
  if (w == "pt") return -480;
  return std::nullopt;
}

// US summer time, by the date: from the second Sunday in March to the first
// Sunday in November.
bool UsSummerTime(int y, int m, int d) {
  if (m < 3 || m > 11) return false;
  if (m > 3 && m < 11) return true;
  // Weekday of the 1st (0 = Sunday), from days since 1970-01-01 (a Thursday).
  const int64_t first = DaysFromCivil(y, m, 1);
  const int weekday = static_cast<int>(((first % 7) + 7 + 4) % 7);
  const int first_sunday = 1 + (7 - weekday) % 7;
  return m == 3 ? d >= first_sunday + 7 : d < first_sunday;
}

// "am", "a.m." (or pm) at token k.
bool MeridiemAt(const std::vector<Token>& t, size_t k) {
  return Is(t, k, "am") || Is(t, k, "pm") ||
         ((Is(t, k, "a") || Is(t, k, "p")) && Is(t, k + 1, ".") && Is(t, k + 2, "m"));
}

std::optional<Clock> TimeAt(const std::vector<Token>& t, size_t k) {
  // "7 AM", "7 p.m.": the hour alone.
  // (Not the minutes of "5:02 p.m.".)
  const bool hour_only = IsNumber(t, k, 1, 2) && MeridiemAt(t, k + 1) &&
                         !(k > 0 && (Is(t, k - 1, ":") || Is(t, k - 1, ".")));
  if (!hour_only &&
      !(IsNumber(t, k, 1, 2) && (Is(t, k + 1, ":") || Is(t, k + 1, ".") || Is(t, k + 1, "h")) &&
        IsNumber(t, k + 2, 2, 2))) {
    return std::nullopt;
  }
  int hour = std::stoi(t[k].text);
  const int minute = hour_only ? 0 : std::stoi(t[k + 2].text);
  k += hour_only ? 1 : 3;
  if (!hour_only && Is(t, k, ":") && IsNumber(t, k + 1, 2, 2)) k += 2;  // seconds
  // am/pm, also written "a.m."
  if (MeridiemAt(t, k)) {
    const bool pm = Is(t, k, "pm") || Is(t, k, "p");
    if (hour < 1 || hour > 12) return InvalidClock();
    hour = hour % 12 + (pm ? 12 : 0);
    k += Is(t, k, "am") || Is(t, k, "pm") ? 1 : 3;
    if (Is(t, k, ".")) ++k;
  }
  if (hour > 23 || minute > 59) return InvalidClock();
  Clock c;
  c.minutes = hour * 60 + minute;
  if (k < t.size() && t[k].kind == Token::kWord) {
    c.offset = ZoneOffset(t[k].text);
    if (!c.offset) c.us_zone = UsZone(t[k].text);
    if (c.offset || c.us_zone) ++k;
  } else if ((Is(t, k, "+") || Is(t, k, "-")) && IsNumber(t, k + 1, 2, 2)) {
    const int sign = Is(t, k, "-") ? -1 : 1;
    int off = std::stoi(t[k + 1].text) * 60;
    k += 2;
    if (Is(t, k, ":") && IsNumber(t, k + 1, 2, 2)) off += std::stoi(t[k + 1].text), k += 2;
    c.offset = sign * off;
  }
  c.next = k;
  return c;
}

// A time written just before the date at token `date` ("09:14, 21 June"),
// and the token it starts at.
struct ClockBefore {
  Clock clock;
  size_t start = 0;
};
std::optional<ClockBefore> TimeBefore(const std::vector<Token>& t, size_t date) {
  for (size_t back = 3; back <= 9 && back <= date; ++back) {  // up to "5:02 p.m. ET"
    std::optional<Clock> c = TimeAt(t, date - back);
    if (!c || !c->valid) continue;
    size_t next = c->next;
    if (Is(t, next, ",")) ++next;
    if (next == date) return ClockBefore{*c, date - back};
  }
  return std::nullopt;
}

// "Monday", "Thu": the weekday often written before a date.
bool IsWeekday(const Token& t) {
  static constexpr std::array<std::string_view, 17> kDays = {
      "mon",   "monday",   "tue", "tues",   "tuesday", "wed",      "wednesday", "thu",   "thur",
      "thurs", "thursday", "fri", "friday", "sat",     "saturday", "sun",       "sunday"};
  if (t.kind != Token::kWord) return false;
  for (std::string_view d : kDays) {
    if (t.text == d) return true;
  }
  return false;
}

// Seconds in one unit of a relative time ("hours", "Stunden", "jours"); 0
// when the word is not one. Months and years are left out: their length
// varies and sites round them too coarsely to date anything.
int64_t UnitSeconds(const std::string& w) {
  struct Unit {
    const char* text;
    int64_t seconds;
  };
  static constexpr std::array kUnits = {
      Unit{"sec", 1},
      Unit{"secs", 1},
      Unit{"second", 1},
      Unit{"seconds", 1},
      Unit{"min", 60},
      Unit{"mins", 60},
      Unit{"minute", 60},
      Unit{"minutes", 60},
      Unit{"minuten", 60},
      Unit{"minuto", 60},
      Unit{"minutos", 60},
      Unit{"minuti", 60},
      Unit{"hr", 3600},
      Unit{"hrs", 3600},
      Unit{"hour", 3600},
      Unit{"hours", 3600},
      Unit{"heure", 3600},
      Unit{"heures", 3600},
      Unit{"stunde", 3600},
      Unit{"stunden", 3600},
      Unit{"hora", 3600},
      Unit{"horas", 3600},
      Unit{"ora", 3600},
      Unit{"ore", 3600},
      Unit{"day", 86400},
      Unit{"days", 86400},
      Unit{"jour", 86400},
      Unit{"jours", 86400},
      Unit{"tag", 86400},
      Unit{"tage", 86400},
      Unit{"tagen", 86400},
      Unit{"día", 86400},
      Unit{"días", 86400},
      Unit{"dia", 86400},
      Unit{"dias", 86400},
      Unit{"giorno", 86400},
      Unit{"giorni", 86400},
      Unit{"week", 604800},
      Unit{"weeks", 604800},
      Unit{"wk", 604800},
      Unit{"wks", 604800},
      Unit{"semaine", 604800},
      Unit{"semaines", 604800},
      Unit{"woche", 604800},
      Unit{"wochen", 604800},
      Unit{"semana", 604800},
      Unit{"semanas", 604800},
      Unit{"settimana", 604800},
      Unit{"settimane", 604800},
  };
  for (const Unit& u : kUnits) {
    if (w == u.text) return u.seconds;
  }
  return 0;
}

// "2h", "15m", "3d", "1w": a unit letter glued to its number.
int64_t CompactUnitSeconds(const std::string& w) {
  if (w == "m") return 60;
  if (w == "h") return 3600;
  if (w == "d") return 86400;
  if (w == "w") return 604800;
  return 0;
}

// A count: digits, or the article or "one" of the five languages.
std::optional<int64_t> CountAt(const std::vector<Token>& t, size_t i) {
  if (IsNumber(t, i, 1, 4)) return std::stoi(t[i].text);
  static constexpr std::array<std::string_view, 10> kOne = {
      "a", "an", "one", "un", "une", "una", "uno", "einer", "einem", "einen"};
  if (i < t.size() && t[i].kind == Token::kWord) {
    for (std::string_view w : kOne) {
      if (t[i].text == w) return 1;
    }
  }
  return std::nullopt;
}

// A relative time starting at token i: "2 hours ago", "an hour ago", "2h",
// "il y a 3 jours", "vor 2 Stunden", "hace 2 horas", "2 ore fa", "just now".
std::optional<DateLineMatch> RelativeAt(const std::vector<Token>& t, size_t i, int64_t now) {
  if (Is(t, i, "just") && Is(t, i + 1, "now"))
    return DateLineMatch{now, t[i].begin, t[i + 1].end, true};
  size_t n = i;  // the count
  const bool prefixed = Is(t, i, "vor") || Is(t, i, "hace");
  const bool il_y_a = Is(t, i, "il") && Is(t, i + 1, "y") && Is(t, i + 2, "a");
  if (prefixed) n = i + 1;
  if (il_y_a) n = i + 3;
  const std::optional<int64_t> count = CountAt(t, n);
  if (!count || n + 1 >= t.size() || t[n + 1].kind != Token::kWord) return std::nullopt;
  const Token& unit = t[n + 1];
  const bool glued = unit.begin == t[n].end && t[n].kind == Token::kNumber;
  int64_t seconds = glued ? CompactUnitSeconds(unit.text) : 0;
  size_t end = n + 2;
  if (seconds != 0) {
    if (Is(t, end, "ago")) ++end;
    // "2h" only as a line's last word or before a mark ("2h · Edited"), so
    // that "2d edition" or "3m people" are not read as times.
    else if (end < t.size() && t[end].kind != Token::kMark)
      return std::nullopt;
  } else {
    seconds = UnitSeconds(unit.text);
    if (seconds == 0) return std::nullopt;
    if (!prefixed && !il_y_a) {
      if (!Is(t, end, "ago") && !Is(t, end, "fa")) return std::nullopt;
      ++end;
    }
  }
  return DateLineMatch{now - *count * seconds, t[i].begin, t[end - 1].end, true};
}

}  // namespace

std::optional<DateLineMatch> FindDateLine(std::string_view line, std::optional<int64_t> now) {
  const std::vector<Token> t = Tokenize(line);
  for (size_t i = 0; i < t.size(); ++i) {
    if (now) {
      if (std::optional<DateLineMatch> m = RelativeAt(t, i, *now)) return m;
    }
    std::optional<Date> date = DateAt(t, i);
    if (!date || !ValidDate(date->year, date->month, date->day)) continue;
    size_t k = date->next;
    // Separators between the date and its time: "14 March 2024, 06:30",
    // "... at 7:45pm", "... à 07h30", "2024-03-14T06:30".
    bool after_mark = false;
    for (;; ++k) {
      const bool mark = Is(t, k, "|") || Is(t, k, "\u2022") || Is(t, k, "\u00b7");
      if (!mark && !Is(t, k, ",") && !Is(t, k, "at") && !Is(t, k, "à") && !Is(t, k, "um") &&
          !Is(t, k, "a") && !Is(t, k, "las") && !Is(t, k, "alle") && !Is(t, k, "t") &&
          !Is(t, k, "-")) {
        break;
      }
      after_mark = after_mark || mark;
    }
    // "7 March 2025 \u00b7 4.99": past a mark, what is no time is not the date's.
    if (after_mark) {
      const std::optional<Clock> past_mark = TimeAt(t, k);
      if (past_mark && !past_mark->valid) k = t.size();
    }
    std::optional<Clock> clock = TimeAt(t, k);
    if (clock && !clock->valid) continue;  // no time rather than a wrong one
    size_t first = i;
    size_t last = date->next - 1;
    if (clock) {
      last = clock->next - 1;
    } else if (std::optional<ClockBefore> before = TimeBefore(t, i)) {  // "14:32, 3 June 2021"
      clock = before->clock;
      first = before->start;
    }
    // "Thu 14 March", "Thursday, 14 March": the weekday is the date's; but
    // "Sun" after a word may end a name ("Li Sun 14 March"), so it joins
    // only at the line's start or after a mark.
    auto weekday_at = [&](size_t w) {
      return IsWeekday(t[w]) && (w == 0 || t[w - 1].kind == Token::kMark || t[w].text.size() > 4 ||
                                 t[w].text != "sun");
    };
    if (first > 0 && weekday_at(first - 1)) {
      --first;
    } else if (first > 1 && Is(t, first - 1, ",") && weekday_at(first - 2)) {
      first -= 2;
    }
    int minutes = 0, offset = 0;
    if (clock) {
      minutes = clock->minutes;
      offset = clock->offset.value_or(0);
      if (!clock->offset && clock->us_zone) {
        offset = *clock->us_zone + (UsSummerTime(date->year, date->month, date->day) ? 60 : 0);
      }
    }
    return DateLineMatch{DaysFromCivil(date->year, date->month, date->day) * 86400 +
                             int64_t{minutes} * 60 - int64_t{offset} * 60,
                         t[first].begin, t[last].end, false};
  }
  return std::nullopt;
}

std::optional<int64_t> ParseRfc3339(std::string_view text) {
  // yyyy-mm-ddThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)
  auto digits = [&](size_t at, size_t n) -> std::optional<int> {
    if (at + n > text.size()) return std::nullopt;
    int v = 0;
    for (size_t k = at; k < at + n; ++k) {
      if (text[k] < '0' || text[k] > '9') return std::nullopt;
      v = v * 10 + (text[k] - '0');
    }
    return v;
  };
  const auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2), h = digits(11, 2),
             mi = digits(14, 2), se = digits(17, 2);
  if (!y || !mo || !d || !h || !mi || !se || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' ||
      text[16] != ':' || !ValidDate(*y, *mo, *d) || *h > 23 || *mi > 59 || *se > 60) {
    return std::nullopt;
  }
  size_t k = 19;
  if (k < text.size() && text[k] == '.') {
    ++k;
    while (k < text.size() && text[k] >= '0' && text[k] <= '9') ++k;
  }
  int offset = 0;
  if (k < text.size() && (text[k] == 'Z' || text[k] == 'z')) {
    ++k;
  } else if (k < text.size() && (text[k] == '+' || text[k] == '-')) {
    const auto oh = digits(k + 1, 2), om = digits(k + 4, 2);
    if (!oh || !om || text[k + 3] != ':') return std::nullopt;
    offset = (text[k] == '-' ? -1 : 1) * (*oh * 60 + *om);
    k += 6;
  } else {
    return std::nullopt;
  }
  if (k != text.size()) return std::nullopt;
  return DaysFromCivil(*y, *mo, *d) * 86400 + int64_t{*h} * 3600 + int64_t{*mi} * 60 + *se -
         int64_t{offset} * 60;
}

std::optional<int64_t> ParseDateLine(std::string_view line, std::optional<int64_t> now) {
  std::optional<DateLineMatch> m = FindDateLine(line, now);
  if (!m) return std::nullopt;
  return m->seconds;
}

}  // namespace broadsheet
