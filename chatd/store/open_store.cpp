#include "chatd/store/open_store.hpp"

#include "chatd/store/pg_connection.hpp"
#include "chatd/store/pg_schema.hpp"
#include "chatd/store/sql_store.hpp"
#include "chatd/store/sqlite_database.hpp"
#include "chatd/store/sqlite_schema.hpp"

namespace chat::store {

bool is_postgresql_uri(const std::string& database) {
  return database.starts_with("postgresql://") || database.starts_with("postgres://");
}

std::string printable_database(const std::string& database) {
  if (!is_postgresql_uri(database)) return database;
  const auto scheme_end = database.find("://") + 3;
  const auto at = database.find('@', scheme_end);
  const auto colon = database.find(':', scheme_end);
  if (at == std::string::npos || colon == std::string::npos || colon > at) return database;
  return database.substr(0, colon + 1) + "***" + database.substr(at);
}

std::unique_ptr<Store> open_store(asio::any_io_executor executor, const std::string& database) {
  if (is_postgresql_uri(database)) {
    return std::make_unique<SqlStore>(std::move(executor), std::make_unique<PgConnection>(database),
                                      pg_migrations);
  }
  return std::make_unique<SqlStore>(
      std::move(executor), std::make_unique<SqliteConnection>(database), sqlite_migrations);
}

}  // namespace chat::store
