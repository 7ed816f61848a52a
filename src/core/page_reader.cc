#include "core/page_reader.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "core/text_util.h"

namespace broadsheet {

std::optional<InputFormat> ParseInputFormat(std::string_view name) {
  if (name == "auto") return InputFormat::kAuto;
  if (name == "text" || name == "txt") return InputFormat::kText;
  if (name == "jsonl" || name == "json") return InputFormat::kJsonl;
  if (name == "wet" || name == "warc") return InputFormat::kWet;
  return std::nullopt;
}

std::string_view InputFormatName(InputFormat format) {
  switch (format) {
    case InputFormat::kAuto:
      return "auto";
    case InputFormat::kText:
      return "text";
    case InputFormat::kJsonl:
      return "jsonl";
    case InputFormat::kWet:
      return "wet";
  }
  return "auto";
}

namespace {

constexpr size_t kMaxHeaderLine = 64 << 10;

// Byte source over a streambuf with a replayable prefix (for sniffing).
class Bytes {
 public:
  explicit Bytes(std::istream& in) : sb_(in.rdbuf()) {}

  std::string_view Peek(size_t n) {
    while (prefix_.size() - pos_ < n) {
      const int c = sb_ == nullptr ? EOF : sb_->sbumpc();
      if (c == EOF) break;
      prefix_.push_back(static_cast<char>(c));
    }
    return std::string_view(prefix_).substr(pos_, n);
  }

  int Get() {
    if (pos_ < prefix_.size()) return static_cast<unsigned char>(prefix_[pos_++]);
    return sb_ == nullptr ? EOF : sb_->sbumpc();
  }

  // Appends up to n bytes to out; returns how many.
  size_t Read(size_t n, std::string* out) {
    size_t got = 0;
    while (got < n && pos_ < prefix_.size()) out->push_back(prefix_[pos_++]), ++got;
    if (sb_ == nullptr) return got;
    char buf[64 << 10];
    while (got < n) {
      const std::streamsize want = static_cast<std::streamsize>(std::min(n - got, sizeof(buf)));
      const std::streamsize r = sb_->sgetn(buf, want);
      if (r <= 0) break;
      out->append(buf, static_cast<size_t>(r));
      got += static_cast<size_t>(r);
    }
    return got;
  }

  // Skips up to n bytes; returns how many.
  size_t Skip(size_t n) {
    size_t done = 0;
    while (done < n && pos_ < prefix_.size()) ++pos_, ++done;
    if (sb_ == nullptr) return done;
    char buf[64 << 10];
    while (done < n) {
      const std::streamsize want = static_cast<std::streamsize>(std::min(n - done, sizeof(buf)));
      const std::streamsize r = sb_->sgetn(buf, want);
      if (r <= 0) break;
      done += static_cast<size_t>(r);
    }
    return done;
  }

  // Reads one line (without '\n'; a trailing '\r' is removed). Keeps at most
  // `limit` bytes; `*total` gets the full length. False at end of input.
  bool Line(std::string* out, size_t limit, size_t* total) {
    out->clear();
    size_t n = 0;
    int c = Get();
    if (c == EOF) return false;
    while (c != EOF && c != '\n') {
      if (n < limit) out->push_back(static_cast<char>(c));
      ++n;
      c = Get();
    }
    if (!out->empty() && out->back() == '\r') out->pop_back(), --n;
    *total = n;
    return true;
  }

 private:
  std::streambuf* sb_;
  std::string prefix_;
  size_t pos_ = 0;
};

ParseError TooLarge(size_t size, size_t limit) {
  return ParseError{RejectReason::kPageTooLarge,
                    absl::StrCat("record is ", size, " bytes; the limit is ", limit)};
}

class TextReader : public PageReader {
 public:
  TextReader(std::unique_ptr<Bytes> in, std::string source, size_t max)
      : in_(std::move(in)), source_(std::move(source)), max_(max) {}

  bool Next(RawPageRecord* r) override {
    if (done_) return false;
    done_ = true;
    *r = RawPageRecord{};
    r->source = source_;
    const size_t got = in_->Read(max_ + 1, &r->text);
    if (got > max_) {
      const size_t total = got + in_->Skip(SIZE_MAX);
      r->text.clear();
      r->text.shrink_to_fit();
      r->error = TooLarge(total, max_);
    }
    return true;
  }
  InputFormat format() const override { return InputFormat::kText; }

 private:
  std::unique_ptr<Bytes> in_;
  std::string source_;
  size_t max_;
  bool done_ = false;
};

class JsonlReader : public PageReader {
 public:
  JsonlReader(std::unique_ptr<Bytes> in, std::string source, size_t max)
      : in_(std::move(in)), source_(std::move(source)), max_(max) {}

  bool Next(RawPageRecord* r) override {
    // JSON escapes can make a line up to 6x its text; allow some slack.
    const size_t line_limit = max_ * 2 + (64 << 10);
    size_t total = 0;
    while (in_->Line(&line_, line_limit, &total)) {
      ++line_no_;
      if (text::Trim(line_).empty()) continue;
      *r = RawPageRecord{};
      r->source = absl::StrCat(source_, ":", line_no_);
      if (total > line_limit) {
        r->error = TooLarge(total, max_);
        return true;
      }
      auto j = nlohmann::json::parse(line_, nullptr, /*allow_exceptions=*/false);
      if (j.is_discarded() || !j.is_object()) {
        r->error = ParseError{RejectReason::kMalformedRecord,
                              absl::StrCat("line ", line_no_, " is not a JSON object")};
        return true;
      }
      auto str = [&](const char* key, std::string* out) {
        auto it = j.find(key);
        if (it != j.end() && it->is_string()) *out = it->get<std::string>();
        return it != j.end() && it->is_string();
      };
      str("url", &r->url);
      str("fetched_at", &r->fetched_at);
      if (!str("text", &r->text)) {
        r->error = ParseError{RejectReason::kMalformedRecord,
                              absl::StrCat("line ", line_no_, " has no string \"text\"")};
      } else if (r->text.size() > max_) {
        r->error = TooLarge(r->text.size(), max_);
        r->text.clear();
      }
      return true;
    }
    return false;
  }
  InputFormat format() const override { return InputFormat::kJsonl; }

 private:
  std::unique_ptr<Bytes> in_;
  std::string source_;
  size_t max_;
  std::string line_;
  size_t line_no_ = 0;
};

class WetReader : public PageReader {
 public:
  WetReader(std::unique_ptr<Bytes> in, std::string source, size_t max)
      : in_(std::move(in)), source_(std::move(source)), max_(max) {}

  bool Next(RawPageRecord* r) override {
    std::string line;
    size_t total = 0;
    while (true) {
      // Find the next "WARC/" version line (skipping record separators).
      bool found = false;
      while (in_->Line(&line, kMaxHeaderLine, &total)) {
        if (line.starts_with("WARC/")) {
          found = true;
          break;
        }
      }
      if (!found) return false;
      ++record_no_;
      std::string type, uri, date;
      std::optional<size_t> length;
      bool bad_length = false;
      while (in_->Line(&line, kMaxHeaderLine, &total) && !line.empty()) {
        const size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string_view key = std::string_view(line).substr(0, colon);
        std::string_view value = text::Trim(std::string_view(line).substr(colon + 1));
        auto is = [&](std::string_view k) {
          return key.size() == k.size() &&
                 std::equal(key.begin(), key.end(), k.begin(), [](char a, char b) {
                   return std::tolower(static_cast<unsigned char>(a)) ==
                          std::tolower(static_cast<unsigned char>(b));
                 });
        };
        if (is("WARC-Type")) type = value;
        else if (is("WARC-Target-URI")) uri = value;
        else if (is("WARC-Date")) date = value;
        else if (is("Content-Length")) {
          size_t v = 0;
          auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
          if (ec == std::errc() && p == value.data() + value.size()) length = v;
          else bad_length = true;
        }
      }
      if (!length || bad_length) {
        // Without a length the content cannot be skipped safely: report it and
        // resynchronise on the next "WARC/" line.
        *r = RawPageRecord{};
        r->source = absl::StrCat(source_, "#", record_no_);
        r->url = uri;
        r->error = ParseError{RejectReason::kMalformedRecord,
                              absl::StrCat("WARC record ", record_no_,
                                           " has no valid Content-Length")};
        return true;
      }
      if (type != "conversion") {
        in_->Skip(*length);
        continue;
      }
      *r = RawPageRecord{};
      r->source = absl::StrCat(source_, "#", record_no_);
      r->url = std::move(uri);
      r->fetched_at = std::move(date);
      if (*length > max_) {
        in_->Skip(*length);
        r->error = TooLarge(*length, max_);
        return true;
      }
      r->text.reserve(*length);
      const size_t got = in_->Read(*length, &r->text);
      if (got < *length) {
        r->error = ParseError{RejectReason::kMalformedRecord,
                              absl::StrCat("WARC record ", record_no_, " is truncated: ", got,
                                           " of ", *length, " bytes")};
        r->text.clear();
      }
      return true;
    }
  }
  InputFormat format() const override { return InputFormat::kWet; }

 private:
  std::unique_ptr<Bytes> in_;
  std::string source_;
  size_t max_;
  size_t record_no_ = 0;
};

}  // namespace

std::unique_ptr<PageReader> PageReader::Create(std::istream& in, InputFormat format,
                                               std::string source_name, size_t max_page_bytes) {
  auto bytes = std::make_unique<Bytes>(in);
  if (format == InputFormat::kAuto) {
    const std::string_view head = bytes->Peek(512);
    const std::string_view body = text::Trim(head);
    if (head.starts_with("WARC/")) {
      format = InputFormat::kWet;
    } else if (body.starts_with("{")) {
      format = InputFormat::kJsonl;
    } else {
      format = InputFormat::kText;
    }
  }
  switch (format) {
    case InputFormat::kJsonl:
      return std::make_unique<JsonlReader>(std::move(bytes), std::move(source_name),
                                           max_page_bytes);
    case InputFormat::kWet:
      return std::make_unique<WetReader>(std::move(bytes), std::move(source_name), max_page_bytes);
    default:
      return std::make_unique<TextReader>(std::move(bytes), std::move(source_name),
                                          max_page_bytes);
  }
}

}  // namespace broadsheet
