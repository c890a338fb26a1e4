#include "chatd/store/sqlite_database.hpp"

#include <fmt/format.h>

namespace chat::store {

Database::Database(const std::string& path) {
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int status = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  db_.reset(raw);  // closed even when opening failed
  if (status != SQLITE_OK) fail(fmt::format("cannot open {}", path));
  sqlite3_extended_result_codes(raw, 1);
}

void Database::fail(std::string_view what) const {
  throw SqliteError(fmt::format("{}: {}", what, db_ ? sqlite3_errmsg(db_.get()) : "out of memory"));
}

void Database::exec(std::string_view sql) {
  const std::string text(sql);
  if (sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    fail(fmt::format("{:.60}", text));
  }
}

Statement Database::prepare(std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr) !=
      SQLITE_OK) {
    fail(fmt::format("{:.60}", sql));
  }
  return Statement(*this, raw);
}

Statement& Database::cached(std::string_view sql) {
  auto it = cached_.find(std::string(sql));
  if (it == cached_.end()) it = cached_.emplace(std::string(sql), prepare(sql)).first;
  it->second.reset();
  return it->second;
}

void Database::reset_cached() {
  for (auto& [sql, statement] : cached_) statement.reset();
}

std::int64_t Database::changes() const { return sqlite3_changes64(db_.get()); }

Statement::Statement(const Database& db, sqlite3_stmt* statement)
    : db_(&db), statement_(statement) {}

Statement& Statement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text(statement_.get(), index, text.data(), static_cast<int>(text.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK) {
    db_->fail("bind");
  }
  return *this;
}

Statement& Statement::bind(int index, std::int64_t number) {
  if (sqlite3_bind_int64(statement_.get(), index, number) != SQLITE_OK) db_->fail("bind");
  return *this;
}

bool Statement::step() {
  const int status = sqlite3_step(statement_.get());
  if (status == SQLITE_ROW) return true;
  if (status == SQLITE_DONE) return false;
  db_->fail(fmt::format("{:.60}", sqlite3_sql(statement_.get())));
}

void Statement::run() {
  while (step()) {
  }
}

std::string Statement::text(int column) const {
  const auto* bytes = sqlite3_column_text(statement_.get(), column);
  const auto size = sqlite3_column_bytes(statement_.get(), column);
  return bytes ? std::string(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size))
               : std::string();
}

std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(statement_.get(), column);
}

void Statement::reset() {
  sqlite3_reset(statement_.get());
  sqlite3_clear_bindings(statement_.get());
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(statement_.get(), column) == SQLITE_NULL;
}

}  // namespace chat::store
