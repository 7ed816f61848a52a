#include "tsearch/tsvector.h"

#include <algorithm>

namespace broadsheet {
namespace {

constexpr uint16_t kPositionMask = 0x3fff;

uint16_t PositionOf(uint16_t entry) { return entry & kPositionMask; }

void AppendBigEndian16(uint16_t v, std::string* out) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v & 0xff));
}

}  // namespace

void TsVector::Add(std::string_view lexeme, std::span<const uint16_t> positions) {
  lexemes_.push_back({static_cast<uint32_t>(text_.size()), static_cast<uint32_t>(lexeme.size()),
                      static_cast<uint32_t>(positions_.size()),
                      static_cast<uint32_t>(positions.size())});
  text_.append(lexeme);
  positions_.insert(positions_.end(), positions.begin(), positions.end());
}

void TsVector::SetWeight(Weight weight) {
  uint16_t bits = static_cast<uint16_t>(static_cast<uint16_t>(weight) << 14);
  for (uint16_t& p : positions_) p = static_cast<uint16_t>(PositionOf(p) | bits);
}

void TsVector::AppendShifted(std::span<const uint16_t> from, uint16_t shift) {
  Lexeme& last = lexemes_.back();
  for (uint16_t entry : from) {
    if (last.positions_size >= kMaxPositionsPerLexeme) break;
    if (last.positions_size > 0 && PositionOf(positions_.back()) == kMaxPosition) break;
    uint16_t position = static_cast<uint16_t>(
        std::min<uint32_t>(uint32_t{PositionOf(entry)} + shift, kMaxPosition));
    positions_.push_back(static_cast<uint16_t>((entry & ~kPositionMask) | position));
    ++last.positions_size;
  }
}

TsVector TsVector::Concat(const TsVector& a, const TsVector& b) {
  uint16_t shift = 0;
  for (uint16_t p : a.positions_) shift = std::max(shift, PositionOf(p));
  TsVector out;
  out.text_.reserve(a.text_.size() + b.text_.size());
  out.lexemes_.reserve(a.lexemes_.size() + b.lexemes_.size());
  out.positions_.reserve(a.positions_.size() + b.positions_.size());
  auto positions = [](const TsVector& v, const Lexeme& l) {
    return std::span<const uint16_t>(v.positions_.data() + l.positions_begin, l.positions_size);
  };
  auto start = [&out](std::string_view text) {
    out.lexemes_.push_back({static_cast<uint32_t>(out.text_.size()),
                            static_cast<uint32_t>(text.size()),
                            static_cast<uint32_t>(out.positions_.size()), 0});
    out.text_.append(text);
  };
  size_t i = 0;
  size_t j = 0;
  while (i < a.lexemes_.size() || j < b.lexemes_.size()) {
    int cmp;
    if (i == a.lexemes_.size()) {
      cmp = 1;
    } else if (j == b.lexemes_.size()) {
      cmp = -1;
    } else {
      // Bytewise, a prefix first: PostgreSQL's tsCompareString.
      cmp = a.Text(a.lexemes_[i]).compare(b.Text(b.lexemes_[j]));
    }
    if (cmp < 0) {
      const Lexeme& l = a.lexemes_[i++];
      start(a.Text(l));
      std::span<const uint16_t> p = positions(a, l);
      out.positions_.insert(out.positions_.end(), p.begin(), p.end());
      out.lexemes_.back().positions_size = l.positions_size;
    } else if (cmp > 0) {
      const Lexeme& l = b.lexemes_[j++];
      start(b.Text(l));
      out.AppendShifted(positions(b, l), shift);
    } else {
      const Lexeme& l = a.lexemes_[i++];
      start(a.Text(l));
      std::span<const uint16_t> p = positions(a, l);
      out.positions_.insert(out.positions_.end(), p.begin(), p.end());
      out.lexemes_.back().positions_size = l.positions_size;
      out.AppendShifted(positions(b, b.lexemes_[j++]), shift);
    }
  }
  return out;
}

std::string TsVector::ToText() const {
  std::string out;
  out.reserve(text_.size() + lexemes_.size() * 4 + positions_.size() * 5);
  for (const Lexeme& l : lexemes_) {
    if (!out.empty()) out.push_back(' ');
    out.push_back('\'');
    for (char c : Text(l)) {
      if (c == '\'' || c == '\\') out.push_back(c);  // tsvectorout doubles both
      out.push_back(c);
    }
    out.push_back('\'');
    if (l.positions_size == 0) continue;
    out.push_back(':');
    for (uint32_t k = 0; k < l.positions_size; ++k) {
      if (k > 0) out.push_back(',');
      uint16_t entry = positions_[l.positions_begin + k];
      char digits[8];
      char* d = digits + sizeof digits;
      unsigned v = PositionOf(entry);
      do {
        *--d = static_cast<char>('0' + v % 10);
        v /= 10;
      } while (v != 0);
      out.append(d, static_cast<size_t>(digits + sizeof digits - d));
      static constexpr char kWeightSuffix[] = {'\0', 'C', 'B', 'A'};
      if (char w = kWeightSuffix[entry >> 14]; w != '\0') out.push_back(w);
    }
  }
  return out;
}

void TsVector::AppendBinary(std::string* out) const {
  out->reserve(out->size() + 4 + text_.size() + lexemes_.size() * 3 + positions_.size() * 2);
  uint32_t count = static_cast<uint32_t>(lexemes_.size());
  AppendBigEndian16(static_cast<uint16_t>(count >> 16), out);
  AppendBigEndian16(static_cast<uint16_t>(count & 0xffff), out);
  for (const Lexeme& l : lexemes_) {
    out->append(Text(l));
    out->push_back('\0');
    AppendBigEndian16(static_cast<uint16_t>(l.positions_size), out);
    for (uint32_t k = 0; k < l.positions_size; ++k) {
      AppendBigEndian16(positions_[l.positions_begin + k], out);
    }
  }
}

}  // namespace broadsheet
