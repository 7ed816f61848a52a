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

namespace broadsheet {

class BinaryCopyRows {
 public:
  BinaryCopyRows();  // starts with the format's signature and header

  void BeginRow(int16_t fields);
  void AddText(std::string_view value);  // also any type whose binary form is its bytes
  void AddInt32(int32_t value);
  void AddInt64(int64_t value);
  void AddBool(bool value);
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

  // The rows, ended with the trailer. Call once, after the last row.
  const std::string& Finish();
  size_t rows() const { return rows_; }

 private:
  void AppendBigEndian(uint64_t value, int bytes);
  void PatchLength(size_t at);

  std::string data_;
  size_t rows_ = 0;
};

// Runs `copy_statement` (COPY ... FROM STDIN (FORMAT binary)) in `txn` and
// sends `rows`. Throws pqxx::broken_connection when the connection is lost
// and pqxx::sql_error when the server rejects the data.
void SendBinaryCopy(pqxx::dbtransaction& txn, const std::string& copy_statement,
                    const std::string& rows);

}  // namespace broadsheet

#endif  // BROADSHEET_SERVICES_INDEXER_BINARY_COPY_H_
