#pragma once

#include <asio/any_io_executor.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>

#include "chatd/store/sql_connection.hpp"
#include "chatd/store/store.hpp"

namespace chat::store {

// The store on an SQL database: an embedded SQLite file, or PostgreSQL shared by several chatd
// nodes. One connection, used by a thread of its own so that the event loop never waits on the
// database. Calls queue jobs; the writer takes every job queued so far and runs them in one
// transaction (group commit, one fsync for the lot), then posts their callbacks back to the
// event loop in order. When a job fails, the batch is rolled back and its jobs run again one
// transaction each, so only that job fails; a disk that is full fails them all.
class SqlStore final : public Store {
 public:
  // Migrates the database's schema with `migrations` (each applied once, in order); throws
  // std::runtime_error on failure.
  SqlStore(asio::any_io_executor executor, std::unique_ptr<SqlConnection> db,
           std::span<const std::string_view> migrations);
  ~SqlStore() override;

  Snapshot load() override;
  void flush(Done done) override;

  void create_account(AccountRecord account, std::string password_hash,
                      std::vector<std::string> folded_rooms, std::optional<Identity> identity,
                      Done done) override;
  void password_hash(std::string account_id, Result<std::optional<std::string>> done) override;
  void set_password_hash(std::string account_id, std::string password_hash, Done done) override;
  void rename_account(std::string account_id, std::string nickname, Done done) override;
  void find_identity(std::string issuer, std::string subject,
                     Result<std::optional<std::string>> done) override;
  void link_identity(std::string issuer, std::string subject, std::string account_id,
                     Result<std::string> done) override;

  void save_sign_in(std::string state, PendingSignIn sign_in, std::size_t limit,
                    Done done) override;
  void find_sign_in(std::string state, bool take,
                    Result<std::optional<PendingSignIn>> done) override;

  void save_session(std::string token_hash, std::string account_id,
                    std::chrono::system_clock::time_point expires, Done done) override;
  void find_session(std::string token_hash, Result<std::optional<std::string>> done) override;
  void delete_session(std::string token_hash, Done done) override;
  void delete_other_sessions(std::string account_id, std::string keep_token_hash,
                             Done done) override;

  void save_room(std::string folded, RoomRecord room, Result<RoomRecord> done) override;
  void delete_room(std::string folded, Done done) override;
  void set_topic(std::string folded, Topic topic, Done done) override;
  void add_member(std::string folded, std::string account_id, Done done) override;
  void remove_member(std::string folded, std::string account_id, Done done) override;

  void save_message(protocol::ChatMessage message, std::string conversation,
                    std::optional<std::string> pending_for, Done done) override;
  void history(std::string conversation, protocol::HistoryRange range,
               Result<HistoryPage> done) override;
  void take_pending(std::string account_id,
                    Result<std::vector<protocol::ChatMessage>> done) override;
  void set_read_marker(std::string account_id, std::string conversation, std::string message_id,
                       Result<std::optional<std::string>> done) override;
  void private_partners(std::string user_id, Result<std::vector<std::string>> done) override;
  void read_marker(std::string account_id, std::string conversation,
                   Result<std::optional<std::string>> done) override;

 private:
  struct Job {
    std::function<void(SqlConnection&)> work;  // on the writer thread
    std::function<void(bool ok)> completion;   // on the event loop
    asio::any_io_executor loop_work;  // keeps the event loop running until the completion has run
  };

  // Queues work whose result is a value: the callback gets it, or ok=false and a default.
  template <typename Value>
  void submit(std::function<Value(SqlConnection&)> work, Result<Value> done);
  void submit(std::function<void(SqlConnection&)> work, Done done);
  void run_writer();
  void run_batch(std::deque<Job>& batch);
  // Runs batch[first, last) in one transaction; false (rolled back) if any of them failed.
  bool run_in_transaction(std::deque<Job>& batch, std::size_t first, std::size_t last);

  asio::any_io_executor executor_;
  std::unique_ptr<SqlConnection> db_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::thread writer_;  // last: started once everything above exists
};

}  // namespace chat::store
