#pragma once

#include <asio/any_io_executor.hpp>
#include <memory>
#include <string>

#include "chatd/store/store.hpp"

namespace chat::store {

// The store --db names: a PostgreSQL connection URI (postgresql://user@host:port/database) for
// a database that several chatd nodes share, or else the path of an SQLite file (":memory:"
// for one that lasts as long as the process). Connects, migrates the schema and starts the
// store's thread; throws std::runtime_error saying what failed.
std::unique_ptr<Store> open_store(asio::any_io_executor executor, const std::string& database);

bool is_postgresql_uri(const std::string& database);
// The --db value as it may be logged: a URI's password left out.
std::string printable_database(const std::string& database);

}  // namespace chat::store
