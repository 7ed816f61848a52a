#include "indexer/binary_copy.h"

#include <algorithm>

#include <libpq-fe.h>

#include <pqxx/except>
#include <pqxx/largeobject>

namespace broadsheet {
namespace {

// libpqxx 6.4 keeps the connection's PGconn to itself; the large-object
// class may read it (a protected static), and so may a class derived from it.
class RawConnection : public pqxx::largeobject {
 public:
  static PGconn* Of(const pqxx::dbtransaction& txn) {
    return static_cast<PGconn*>(largeobject::raw_connection(txn));
  }
};

constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // and its NUL: 11 bytes

}  // namespace

BinaryCopyRows::BinaryCopyRows() {
  data_.append(kSignature, sizeof kSignature);  // includes the final NUL
  AppendBigEndian(0, 4);                       // flags: no OIDs
  AppendBigEndian(0, 4);                       // header extension length
}

void BinaryCopyRows::AppendBigEndian(uint64_t value, int bytes) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
    data_.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

void BinaryCopyRows::PatchLength(size_t at) {
  uint32_t length = static_cast<uint32_t>(data_.size() - at - 4);
  for (int i = 0; i < 4; ++i) data_[at + i] = static_cast<char>((length >> (24 - 8 * i)) & 0xff);
}

void BinaryCopyRows::BeginRow(int16_t fields) {
  AppendBigEndian(static_cast<uint16_t>(fields), 2);
  ++rows_;
}

void BinaryCopyRows::AddText(std::string_view value) {
  AppendBigEndian(static_cast<uint32_t>(value.size()), 4);
  data_.append(value);
}

void BinaryCopyRows::AddInt32(int32_t value) {
  AppendBigEndian(4, 4);
  AppendBigEndian(static_cast<uint32_t>(value), 4);
}

void BinaryCopyRows::AddInt64(int64_t value) {
  AppendBigEndian(8, 4);
  AppendBigEndian(static_cast<uint64_t>(value), 8);
}

void BinaryCopyRows::AddBool(bool value) {
  AppendBigEndian(1, 4);
  data_.push_back(value ? 1 : 0);
}

void BinaryCopyRows::AddNull() { AppendBigEndian(0xffffffffu, 4); }

const std::string& BinaryCopyRows::Finish() {
  AppendBigEndian(0xffff, 2);  // -1 fields: the trailer
  return data_;
}

void SendBinaryCopy(pqxx::dbtransaction& txn, const std::string& copy_statement,
                    const std::string& rows) {
  PGconn* conn = RawConnection::Of(txn);
  auto failure = [conn](const std::string& what) -> std::string {
    return what + ": " + PQerrorMessage(conn);
  };
  // Drains the results of the statement; the last error wins.
  auto finish = [&](PGresult* first) {
    std::string error;
    std::string sqlstate;
    for (PGresult* r = first; r != nullptr; r = PQgetResult(conn)) {
      ExecStatusType status = PQresultStatus(r);
      if (status != PGRES_COMMAND_OK && status != PGRES_COPY_IN) {
        error = PQresultErrorMessage(r);
        const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        sqlstate = state != nullptr ? state : "";
      }
      PQclear(r);
    }
    if (PQstatus(conn) != CONNECTION_OK) throw pqxx::broken_connection(failure("COPY"));
    if (!error.empty()) throw pqxx::sql_error(error, copy_statement, sqlstate.empty() ? nullptr : sqlstate.c_str());
  };
  PGresult* started = PQexec(conn, copy_statement.c_str());
  if (started == nullptr) throw pqxx::broken_connection(failure("COPY"));
  if (PQresultStatus(started) != PGRES_COPY_IN) {
    finish(started);
    throw pqxx::sql_error("COPY did not start", copy_statement);
  }
  PQclear(started);
  // libpq buffers what it is given; chunks keep that buffer small.
  constexpr size_t kChunk = 1 << 20;
  const char* error = nullptr;
  for (size_t at = 0; at < rows.size() && error == nullptr; at += kChunk) {
    size_t n = std::min(kChunk, rows.size() - at);
    if (PQputCopyData(conn, rows.data() + at, static_cast<int>(n)) != 1) error = "COPY data";
  }
  if (PQputCopyEnd(conn, nullptr) != 1 && error == nullptr) error = "COPY end";
  finish(PQgetResult(conn));
  if (error != nullptr) throw pqxx::broken_connection(failure(error));
}

}  // namespace broadsheet
