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

std::unique_ptr<Store> open_store(asio::any_io_executor executor, const std::string& database) {
  if (is_postgresql_uri(database)) {
    return std::make_unique<SqlStore>(std::move(executor), std::make_unique<PgConnection>(database),
                                      pg_migrations);
  }
  return std::make_unique<SqlStore>(
      std::move(executor), std::make_unique<SqliteConnection>(database), sqlite_migrations);
}

}  // namespace chat::store
