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
  auto printable = database;
  // user:password@ ...
  const auto scheme_end = printable.find("://") + 3;
  const auto at = printable.find('@', scheme_end);
  const auto colon = printable.find(':', scheme_end);
  if (at != std::string::npos && colon != std::string::npos && colon < at) {
    printable.replace(colon + 1, at - colon - 1, "***");
  }
  // ... and ?password=... among the parameters.
  for (auto at_parameter = printable.find("password=", printable.find('?'));
       at_parameter != std::string::npos && printable.find('?') != std::string::npos;
       at_parameter = printable.find("password=", at_parameter + 1)) {
    const auto start = at_parameter + 9;
    const auto end = printable.find('&', start);
    printable.replace(start, end == std::string::npos ? std::string::npos : end - start, "***");
  }
  return printable;
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
