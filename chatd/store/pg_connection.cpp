#include "chatd/store/pg_connection.hpp"

#include <fmt/format.h>

#include <charconv>

namespace chat::store {
namespace {

// Any number: it only has to be the same for every chatd migrating one database.
constexpr std::string_view migration_lock = "SELECT pg_advisory_xact_lock(7415001)";

}  // namespace

std::string pg_parameters(std::string_view sql) {
  std::string translated(sql);
  for (auto& c : translated) {
    if (c == '?') c = '$';
  }
  return translated;
}

// libpq's defaults wait for the operating system, minutes on a silent network; a URI that says
// otherwise wins (these come before it). A store that waits too long holds every message.
PGconn* connect(const std::string& uri) {
  const char* keywords[] = {"connect_timeout",
                            "keepalives_idle",
                            "keepalives_interval",
                            "keepalives_count",
                            "tcp_user_timeout",
                            "dbname",
                            nullptr};
  const char* values[] = {"10", "30", "10", "3", "30000", uri.c_str(), nullptr};
  return PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
}

PgConnection::PgConnection(const std::string& uri) : connection_(connect(uri)) {
  if (!connection_) throw PgError("PostgreSQL: out of memory");
  if (PQstatus(connection_.get()) != CONNECTION_OK) fail("cannot connect to PostgreSQL");
  quiet();
}

// NOTICEs ("relation already exists, skipping") are not for chatd's log.
void PgConnection::quiet() { exec("SET client_min_messages TO WARNING"); }

bool PgConnection::connected() const { return PQstatus(connection_.get()) == CONNECTION_OK; }

void PgConnection::fail(std::string_view what) const {
  std::string message = connection_ ? PQerrorMessage(connection_.get()) : "out of memory";
  while (!message.empty() && message.back() == '\n') message.pop_back();
  throw PgError(fmt::format("{}: {}", what, message));
}

void PgConnection::check(const PGresult* result, std::string_view what) const {
  const auto status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
  if (!result) fail(what);
  std::string message = PQresultErrorMessage(result);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  throw PgError(fmt::format("{:.60}: {}", what, message));
}

void PgConnection::exec(std::string_view sql) {
  const std::unique_ptr<PGresult, void (*)(PGresult*)> result(
      PQexec(connection_.get(), std::string(sql).c_str()), PQclear);
  check(result.get(), sql);
}

PgStatement& PgConnection::cached(std::string_view sql) {
  auto it = cached_.find(std::string(sql));
  if (it == cached_.end()) {
    const auto name = fmt::format("chatd_{}", cached_.size());
    const std::unique_ptr<PGresult, void (*)(PGresult*)> result(
        PQprepare(connection_.get(), name.c_str(), pg_parameters(sql).c_str(), 0, nullptr),
        PQclear);
    check(result.get(), sql);
    it = cached_.emplace(std::string(sql), PgStatement(*this, name)).first;
  }
  it->second.reset();
  return it->second;
}

void PgConnection::begin() {
  if (PQstatus(connection_.get()) != CONNECTION_OK) {
    // The server restarted or the network broke: connect again; statements were the old
    // session's and are prepared anew.
    cached_.clear();
    PQreset(connection_.get());
    if (PQstatus(connection_.get()) != CONNECTION_OK) fail("cannot reconnect to PostgreSQL");
    quiet();
  }
  exec("BEGIN");
}

void PgConnection::commit() { exec("COMMIT"); }

void PgConnection::rollback() {
  if (PQtransactionStatus(connection_.get()) != PQTRANS_IDLE) exec("ROLLBACK");
}

std::size_t PgConnection::schema_version() {
  exec(migration_lock);
  exec("CREATE TABLE IF NOT EXISTS chatd_schema (version INTEGER NOT NULL)");
  auto& query = cached("SELECT version FROM chatd_schema");
  return query.step() ? static_cast<std::size_t>(query.integer(0)) : 0;
}

void PgConnection::set_schema_version(std::size_t version) {
  exec("DELETE FROM chatd_schema");
  exec(fmt::format("INSERT INTO chatd_schema (version) VALUES ({})", version));
}

PgStatement::PgStatement(PgConnection& db, std::string name) : db_(&db), name_(std::move(name)) {}

PgStatement& PgStatement::bind(int index, std::string_view text) {
  if (index < 1) throw PgError("bind: parameters count from 1");
  if (parameters_.size() < static_cast<std::size_t>(index)) parameters_.resize(index);
  parameters_[index - 1] = std::string(text);
  return *this;
}

PgStatement& PgStatement::bind(int index, std::int64_t number) {
  return bind(index, std::to_string(number));
}

bool PgStatement::step() {
  if (!result_) {
    std::vector<const char*> values;
    values.reserve(parameters_.size());
    for (const auto& parameter : parameters_)
      values.push_back(parameter ? parameter->c_str() : nullptr);
    result_.reset(PQexecPrepared(db_->connection_.get(), name_.c_str(),
                                 static_cast<int>(values.size()), values.data(), nullptr, nullptr,
                                 0));
    db_->check(result_.get(), name_);
    row_ = -1;
  }
  return ++row_ < PQntuples(result_.get());
}

std::string PgStatement::text(int column) const {
  return {PQgetvalue(result_.get(), row_, column),
          static_cast<std::size_t>(PQgetlength(result_.get(), row_, column))};
}

std::int64_t PgStatement::integer(int column) const {
  const auto value = text(column);
  std::int64_t number = 0;
  std::from_chars(value.data(), value.data() + value.size(), number);
  return number;
}

void PgStatement::reset() {
  result_.reset();
  parameters_.clear();
  row_ = -1;
}

}  // namespace chat::store
