#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace chat::store {

// An SQLite call that failed; the message is SQLite's own.
class SqliteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Database;

// A prepared statement: bind by position (from 1), step through rows, read columns (from 0).
class Statement {
 public:
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t number);
  // True while there is a row to read; false when done.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  std::string text(int column) const;
  std::int64_t integer(int column) const;
  bool is_null(int column) const;
  // Ready to bind and run again.
  void reset();

 private:
  friend class Database;
  struct Finalize {
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
  };
  Statement(const Database& db, sqlite3_stmt* statement);
  const Database* db_;
  std::unique_ptr<sqlite3_stmt, Finalize> statement_;
};

// One open database connection (RAII over sqlite3*). Not thread-safe: one thread uses it.
class Database {
 public:
  explicit Database(const std::string& path);
  Database(Database&&) = delete;  // statements point back at it

  // Runs one or more statements that return no rows.
  void exec(std::string_view sql);
  Statement prepare(std::string_view sql);
  // A statement prepared once and kept, reset for reuse: for the statements run on every message.
  Statement& cached(std::string_view sql);
  // Resets every cached statement, so that none keeps a read open (which would keep the WAL
  // from being checkpointed back to its start).
  void reset_cached();
  std::int64_t changes() const;

 private:
  friend class Statement;
  struct Close {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  [[noreturn]] void fail(std::string_view what) const;
  // Declared first so that it is destroyed last, after the statements below are finalized.
  std::unique_ptr<sqlite3, Close> db_;
  std::unordered_map<std::string, Statement> cached_;
};

}  // namespace chat::store
