#include "chatd/store/sqlite_database.hpp"

#include <fmt/format.h>

namespace chat::store {

SqliteConnection::SqliteConnection(const std::string& path) {
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int status = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  db_.reset(raw);  // closed even when opening failed
  if (status != SQLITE_OK) fail(fmt::format("cannot open {}", path));
  sqlite3_extended_result_codes(raw, 1);
  exec("PRAGMA busy_timeout = 5000");
  exec("PRAGMA journal_mode = WAL");
  // Every acknowledged write survives a crash of the machine, not only of chatd; group commit
  // pays the fsync once per batch.
  exec("PRAGMA synchronous = FULL");
  exec("PRAGMA foreign_keys = ON");
}

void SqliteConnection::fail(std::string_view what) const {
  throw SqliteError(fmt::format("{}: {}", what, db_ ? sqlite3_errmsg(db_.get()) : "out of memory"));
}

void SqliteConnection::exec(std::string_view sql) {
  const std::string text(sql);
  if (sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    fail(fmt::format("{:.60}", text));
  }
}

SqliteStatement& SqliteConnection::cached(std::string_view sql) {
  auto it = cached_.find(std::string(sql));
  if (it == cached_.end()) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr) !=
        SQLITE_OK) {
      fail(fmt::format("{:.60}", sql));
    }
    it = cached_.emplace(std::string(sql), SqliteStatement(*this, raw)).first;
  }
  it->second.reset();
  return it->second;
}

void SqliteConnection::begin() { cached("BEGIN IMMEDIATE").run(); }
void SqliteConnection::commit() { cached("COMMIT").run(); }

void SqliteConnection::rollback() {
  if (!sqlite3_get_autocommit(db_.get())) exec("ROLLBACK");
}

void SqliteConnection::end_batch() {
  for (auto& [sql, statement] : cached_) statement.reset();
}

std::size_t SqliteConnection::schema_version() {
  auto& query = cached("PRAGMA user_version");
  query.step();
  return static_cast<std::size_t>(query.integer(0));
}

void SqliteConnection::set_schema_version(std::size_t version) {
  exec(fmt::format("PRAGMA user_version = {}", version));
}

SqliteStatement::SqliteStatement(const SqliteConnection& db, sqlite3_stmt* statement)
    : db_(&db), statement_(statement) {}

SqliteStatement& SqliteStatement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text(statement_.get(), index, text.data(), static_cast<int>(text.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK) {
    db_->fail("bind");
  }
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t number) {
  if (sqlite3_bind_int64(statement_.get(), index, number) != SQLITE_OK) db_->fail("bind");
  return *this;
}

bool SqliteStatement::step() {
  const int status = sqlite3_step(statement_.get());
  if (status == SQLITE_ROW) return true;
  if (status == SQLITE_DONE) return false;
  db_->fail(fmt::format("{:.60}", sqlite3_sql(statement_.get())));
}

std::string SqliteStatement::text(int column) const {
  const auto* bytes = sqlite3_column_text(statement_.get(), column);
  const auto size = sqlite3_column_bytes(statement_.get(), column);
  return bytes ? std::string(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size))
               : std::string();
}

std::int64_t SqliteStatement::integer(int column) const {
  return sqlite3_column_int64(statement_.get(), column);
}

void SqliteStatement::reset() {
  sqlite3_reset(statement_.get());
  sqlite3_clear_bindings(statement_.get());
}

}  // namespace chat::store
