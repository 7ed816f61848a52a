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

void BinaryCopyRows::AddTimestamp(int64_t unix_micros) {
  constexpr int64_t kPostgresEpochMicros = 946684800LL * 1000000;
  AddInt64(unix_micros - kPostgresEpochMicros);
}

void BinaryCopyRows::AddNull() { AppendBigEndian(0xffffffffu, 4); }

std::string BinaryCopyRows::Take() {
  std::string taken;
  taken.swap(data_);
  return taken;
}

const std::string& BinaryCopyRows::Finish() {
  AppendBigEndian(0xffff, 2);  // -1 fields: the trailer
  return data_;
}

BinaryCopyStream::BinaryCopyStream(pqxx::dbtransaction& txn, std::string copy_statement)
    : conn_(RawConnection::Of(txn)), statement_(std::move(copy_statement)) {
  PGresult* started = PQexec(conn_, statement_.c_str());
  if (started == nullptr) {
    throw pqxx::broken_connection(std::string("COPY: ") + PQerrorMessage(conn_));
  }
  if (PQresultStatus(started) != PGRES_COPY_IN) {
    open_ = false;
    Finish(started);
    throw pqxx::sql_error("COPY did not start", statement_);
  }
  PQclear(started);
}

BinaryCopyStream::~BinaryCopyStream() {
  if (!open_) return;
  if (PQputCopyEnd(conn_, "abandoned") == 1) {
    try {
      Finish(PQgetResult(conn_));
    } catch (const std::exception&) {
      // The server's "COPY abandoned" error: expected, nothing to report.
    }
  }
}

void BinaryCopyStream::Send(std::string_view bytes) {
  // libpq buffers what it is given; chunks keep that buffer small.
  constexpr size_t kChunk = 1 << 20;
  for (size_t at = 0; at < bytes.size(); at += kChunk) {
    size_t n = std::min(kChunk, bytes.size() - at);
    if (PQputCopyData(conn_, bytes.data() + at, static_cast<int>(n)) != 1) {
      // The server's reason, if it sent one, is more useful than libpq's.
      open_ = false;
      PQputCopyEnd(conn_, "send failed");
      Finish(PQgetResult(conn_));
      throw pqxx::broken_connection(std::string("COPY data: ") + PQerrorMessage(conn_));
    }
  }
}

void BinaryCopyStream::End() {
  open_ = false;
  bool sent = PQputCopyEnd(conn_, nullptr) == 1;
  Finish(PQgetResult(conn_));
  if (!sent) throw pqxx::broken_connection(std::string("COPY end: ") + PQerrorMessage(conn_));
}

// Drains the statement's results; the last error wins.
void BinaryCopyStream::Finish(PGresult* first) {
  std::string error;
  std::string sqlstate;
  for (PGresult* r = first; r != nullptr; r = PQgetResult(conn_)) {
    ExecStatusType status = PQresultStatus(r);
    if (status == PGRES_COPY_IN) {
      // Still copying: the end was not sent (libpq reports why); asking
      // again would return the same forever.
      error = std::string("COPY not ended: ") + PQerrorMessage(conn_);
      PQclear(r);
      break;
    }
    if (status != PGRES_COMMAND_OK) {
      error = PQresultErrorMessage(r);
      const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
      sqlstate = state != nullptr ? state : "";
    }
    PQclear(r);
  }
  if (PQstatus(conn_) != CONNECTION_OK) {
    throw pqxx::broken_connection(std::string("COPY: ") + PQerrorMessage(conn_));
  }
  if (error.empty()) return;
  if (sqlstate == "23505") throw pqxx::unique_violation(error, statement_, sqlstate.c_str());
  if (sqlstate == "40P01") throw pqxx::deadlock_detected(error);
  throw pqxx::sql_error(error, statement_, sqlstate.empty() ? nullptr : sqlstate.c_str());
}

void SendBinaryCopy(pqxx::dbtransaction& txn, const std::string& copy_statement,
                    const std::string& rows) {
  BinaryCopyStream copy(txn, copy_statement);
  copy.Send(rows);
  copy.End();
}

}  // namespace broadsheet
