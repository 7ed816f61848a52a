// TsVector is a PostgreSQL tsvector held in memory the way the server holds
// it: lexemes in bytewise order, each with strictly increasing positions
// that carry a weight. It reproduces setweight() and the || operator of
// PostgreSQL 15 exactly and renders the text form (tsvectorout) and the
// binary form (tsvectorsend, what COPY ... (FORMAT binary) reads), so the
// indexer can hand the server finished vectors: parsing tsvector text was
// the largest single cost of an insert (README, indexer performance).
//
// A plain value type: safe to share for reading, not to mutate from two
// threads at once.
#ifndef BROADSHEET_TSEARCH_TSVECTOR_H_
#define BROADSHEET_TSEARCH_TSVECTOR_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace broadsheet {

class TsVector {
 public:
  // PostgreSQL's weights, as stored in a position's top two bits.
  enum class Weight : uint16_t { kD = 0, kC = 1, kB = 2, kA = 3 };

  static constexpr uint16_t kMaxPosition = 16383;   // MAXENTRYPOS - 1
  static constexpr size_t kMaxPositionsPerLexeme = 256;  // MAXNUMPOS

  // Appends a lexeme after the existing ones. The caller keeps the
  // invariants: lexemes in strictly increasing bytewise order, 1 to 256
  // positions (1..16383, weight D) strictly increasing.
  void Add(std::string_view lexeme, std::span<const uint16_t> positions);

  size_t size() const { return lexemes_.size(); }
  bool empty() const { return lexemes_.empty(); }

  // setweight(v, w): every position takes weight `w`.
  void SetWeight(Weight weight);

  // PostgreSQL's `a || b`: b's positions shift by a's largest position
  // (capped at 16383); a lexeme in both keeps a's positions, then b's, at
  // most 256 and none after 16383.
  static TsVector Concat(const TsVector& a, const TsVector& b);

  // The text form, as `v::text` prints it.
  std::string ToText() const;
  // Appends the binary form (tsvector_send): int32 count, then per lexeme
  // its bytes, a NUL, uint16 count and uint16 positions, all big-endian.
  void AppendBinary(std::string* out) const;

 private:
  struct Lexeme {
    uint32_t text_begin;
    uint32_t text_size;
    uint32_t positions_begin;
    uint32_t positions_size;
  };
  std::string_view Text(const Lexeme& l) const { return {text_.data() + l.text_begin, l.text_size}; }
  // PostgreSQL's add_pos(): appends `from`'s positions shifted by
  // `shift` to the last lexeme, within the caps.
  void AppendShifted(std::span<const uint16_t> from, uint16_t shift);

  std::string text_;                 // lexeme bytes, back to back
  std::vector<Lexeme> lexemes_;
  std::vector<uint16_t> positions_;  // WordEntryPos: weight << 14 | position
};

}  // namespace broadsheet

#endif  // BROADSHEET_TSEARCH_TSVECTOR_H_
