#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace chat::store {

// A statement prepared once on a connection and kept for reuse: bind by position (from 1),
// step through rows, read columns (from 0). Parameters are written ?1, ?2... in the SQL.
class SqlStatement {
 public:
  virtual ~SqlStatement() = default;
  virtual SqlStatement& bind(int index, std::string_view text) = 0;
  virtual SqlStatement& bind(int index, std::int64_t number) = 0;
  // True while there is a row to read; false when done.
  virtual bool step() = 0;
  // Runs a statement that returns no rows.
  void run() {
    while (step()) {
    }
  }
  virtual std::string text(int column) const = 0;
  virtual std::int64_t integer(int column) const = 0;
};

// One connection to the database the store keeps its tables in: SQLite or PostgreSQL. The
// store's SQL is written once, in what both understand; what differs (transactions, the schema
// version, the schema itself) is here. Used by one thread. Failures throw std::runtime_error
// (or a subclass) with the database's own message.
class SqlConnection {
 public:
  virtual ~SqlConnection() = default;

  // Runs one or more statements that return no rows.
  virtual void exec(std::string_view sql) = 0;
  // The statement for this SQL, prepared on first use, ready to bind.
  virtual SqlStatement& cached(std::string_view sql) = 0;

  // A write transaction that holds off other writers from its start.
  virtual void begin() = 0;
  virtual void commit() = 0;
  // Undoes the transaction, if one is still open (a failure may have ended it already).
  virtual void rollback() = 0;
  // A batch is over: nothing may keep a read open meanwhile.
  virtual void end_batch() {}
  // False once the connection to a server is lost (until begin() makes it again): then a failed
  // batch is not retried job by job, each waiting to reconnect.
  virtual bool connected() const { return true; }

  // Inside a transaction from begin(): the number of migrations applied, after waiting for
  // any other process migrating the same database.
  virtual std::size_t schema_version() = 0;
  virtual void set_schema_version(std::size_t version) = 0;
};

}  // namespace chat::store
