#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "chatd/store/sql_connection.hpp"

namespace chat::store {

// A PostgreSQL call that failed; the message is the server's or libpq's own.
class PgError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class PgConnection;

// A server-side prepared statement. Its parameters go as text and the server infers their
// types; the whole result is fetched on the first step().
class PgStatement final : public SqlStatement {
 public:
  PgStatement(PgConnection& db, std::string name);
  PgStatement& bind(int index, std::string_view text) override;
  PgStatement& bind(int index, std::int64_t number) override;
  bool step() override;
  std::string text(int column) const override;
  std::int64_t integer(int column) const override;
  void reset();

 private:
  struct Clear {
    void operator()(PGresult* result) const { PQclear(result); }
  };
  PgConnection* db_;
  std::string name_;
  std::vector<std::optional<std::string>> parameters_;
  std::unique_ptr<PGresult, Clear> result_;
  int row_ = -1;
};

// One connection to PostgreSQL (RAII over PGconn*), from a URI such as
// postgresql://chat@db.example:5432/chat. A connection that breaks is made again at the next
// transaction, its statements prepared anew. Not thread-safe: one thread uses it.
class PgConnection final : public SqlConnection {
 public:
  explicit PgConnection(const std::string& uri);
  PgConnection(PgConnection&&) = delete;  // statements point back at it

  void exec(std::string_view sql) override;
  PgStatement& cached(std::string_view sql) override;
  void begin() override;
  void commit() override;
  void rollback() override;
  std::size_t schema_version() override;
  void set_schema_version(std::size_t version) override;
  bool connected() const override;

 private:
  friend class PgStatement;
  void quiet();
  struct Finish {
    void operator()(PGconn* connection) const { PQfinish(connection); }
  };
  [[noreturn]] void fail(std::string_view what) const;
  // Throws unless the result says the command worked.
  void check(const PGresult* result, std::string_view what) const;

  std::unique_ptr<PGconn, Finish> connection_;
  std::unordered_map<std::string, PgStatement> cached_;
};

// The store's SQL, whose parameters are ?1, ?2..., as PostgreSQL writes them: $1, $2...
std::string pg_parameters(std::string_view sql);

}  // namespace chat::store
