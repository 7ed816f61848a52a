// Rows for COPY ... FROM STDIN (FORMAT binary), and the call that streams
// them. The indexer sends articles this way so the server receives
// finished tsvectors (tsvector_recv) instead of text to parse, and no text
// escaping either way (README, indexer performance).
//
// BinaryCopyRows only encodes (no I/O, testable alone); SendBinaryCopy is the
// I/O edge. libpqxx 6.4 streams text COPY only, so SendBinaryCopy drives
// libpq on the transaction's own connection. Neither is thread-safe.
#ifndef BROADSHEET_SERVICES_INDEXER_BINARY_COPY_H_
#define BROADSHEET_SERVICES_INDEXER_BINARY_COPY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include <pqxx/transaction_base>

// libpq's PGconn and PGresult.
struct pg_conn;
struct pg_result;

namespace broadsheet {

class BinaryCopyRows {
 public:
  BinaryCopyRows();  // starts with the format's signature and header

  void BeginRow(int16_t fields);
  void AddText(std::string_view value);  // also any type whose binary form is its bytes
  void AddInt32(int32_t value);
  void AddInt64(int64_t value);
  void AddBool(bool value);
  // timestamptz from microseconds since 1970-01-01 UTC (the wire counts
  // from 2000-01-01).
  void AddTimestamp(int64_t unix_micros);
  void AddNull();
  // A field the caller encodes: `write` appends its bytes to the string it
  // is given (e.g. TsVector::AppendBinary).
  template <typename Write>
  void AddEncoded(Write&& write) {
    size_t at = data_.size();
    data_.append(4, '\0');
    write(&data_);
    PatchLength(at);
  }

  // The bytes encoded since the last Take(), for streaming a long COPY in
  // parts (the first part starts with the header).
  std::string Take();
  size_t pending_bytes() const { return data_.size(); }
  // The rest, ended with the trailer. Call once, after the last row.
  const std::string& Finish();
  size_t rows() const { return rows_; }

 private:
  void AppendBigEndian(uint64_t value, int bytes);
  void PatchLength(size_t at);

  std::string data_;
  size_t rows_ = 0;
};

// One COPY ... FROM STDIN (FORMAT binary) in `txn`, fed in parts: the server
// inserts what it has while the caller prepares the rest. The constructor
// starts the COPY, End() finishes it. Throws pqxx::broken_connection when the
// connection is lost, pqxx::unique_violation for a duplicate key and
// pqxx::deadlock_detected for a deadlock and pqxx::sql_error for other
// rejections. Until End(), nothing else may use the transaction.
class BinaryCopyStream {
 public:
  BinaryCopyStream(pqxx::dbtransaction& txn, std::string copy_statement);
  // Without End(), cancels the COPY, so the connection is usable (for the
  // transaction's rollback) after an exception.
  ~BinaryCopyStream();
  BinaryCopyStream(const BinaryCopyStream&) = delete;
  BinaryCopyStream& operator=(const BinaryCopyStream&) = delete;

  void Send(std::string_view bytes);
  void End();

 private:
  void Finish(pg_result* first);

  pg_conn* conn_;
  std::string statement_;
  bool open_ = true;
};

// The whole COPY at once: `rows` as BinaryCopyRows::Finish() returned them.
void SendBinaryCopy(pqxx::dbtransaction& txn, const std::string& copy_statement,
                    const std::string& rows);

}  // namespace broadsheet

#endif  // BROADSHEET_SERVICES_INDEXER_BINARY_COPY_H_
