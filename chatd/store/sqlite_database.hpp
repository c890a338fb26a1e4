#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include "chatd/store/sql_connection.hpp"

namespace chat::store {

// An SQLite call that failed; the message is SQLite's own.
class SqliteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class SqliteConnection;

class SqliteStatement final : public SqlStatement {
 public:
  SqliteStatement& bind(int index, std::string_view text) override;
  SqliteStatement& bind(int index, std::int64_t number) override;
  bool step() override;
  std::string text(int column) const override;
  std::int64_t integer(int column) const override;
  // Ready to bind and run again.
  void reset();

 private:
  friend class SqliteConnection;
  struct Finalize {
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
  };
  SqliteStatement(const SqliteConnection& db, sqlite3_stmt* statement);
  const SqliteConnection* db_;
  std::unique_ptr<sqlite3_stmt, Finalize> statement_;
};

// One open SQLite database (RAII over sqlite3*), in WAL mode with full fsync and foreign keys
// on. Not thread-safe: one thread uses it.
class SqliteConnection final : public SqlConnection {
 public:
  explicit SqliteConnection(const std::string& path);
  SqliteConnection(SqliteConnection&&) = delete;  // statements point back at it

  void exec(std::string_view sql) override;
  SqliteStatement& cached(std::string_view sql) override;
  void begin() override;
  void commit() override;
  void rollback() override;
  // Resets every cached statement, so that none keeps a read open (which would keep the WAL
  // from being checkpointed back to its start).
  void end_batch() override;
  std::size_t schema_version() override;
  void set_schema_version(std::size_t version) override;

 private:
  friend class SqliteStatement;
  struct Close {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  [[noreturn]] void fail(std::string_view what) const;
  // Declared first so that it is destroyed last, after the statements below are finalized.
  std::unique_ptr<sqlite3, Close> db_;
  std::unordered_map<std::string, SqliteStatement> cached_;
};

}  // namespace chat::store
