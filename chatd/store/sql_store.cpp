#include "chatd/store/sql_store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <asio/execution/outstanding_work.hpp>
#include <asio/post.hpp>
#include <asio/prefer.hpp>
#include <cstdio>
#include <limits>
#include <memory>
#include <span>
#include <stdexcept>
#include <utility>

#include "protocol/names.hpp"
#include "protocol/timestamp.hpp"

namespace chat::store {
namespace {

std::int64_t unix_seconds(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

void migrate(SqlConnection& db, std::span<const std::string_view> migrations) {
  // One migration a transaction, each deciding afresh what is applied: another chatd may be
  // migrating the same database (PostgreSQL) and have done some meanwhile.
  for (;;) {
    db.begin();
    try {
      const auto version = db.schema_version();
      if (version > migrations.size()) {
        throw std::runtime_error(
            fmt::format("the database has schema version {}, newer than this chatd knows ({}); "
                        "use a newer chatd",
                        version, migrations.size()));
      }
      if (version == migrations.size()) {
        db.commit();
        return;
      }
      db.exec(migrations[version]);
      db.set_schema_version(version + 1);
      db.commit();
    } catch (...) {
      db.rollback();
      throw;
    }
  }
}

protocol::ChatMessage read_message(const SqlStatement& row, int first) {
  return {row.text(first),     row.text(first + 1), row.text(first + 2),
          row.text(first + 3), row.text(first + 4), row.text(first + 5)};
}

constexpr std::string_view message_columns = "id, time, target, sender_id, sender, text";

// A page of a conversation. Ids grow with time, so id order is the order said; an id anchor
// bounds by id, a time anchor by the time column.
HistoryPage read_history(SqlConnection& db, const std::string& conversation,
                         const protocol::HistoryRange& range) {
  using Kind = protocol::HistoryRange::Kind;
  HistoryPage page;
  const bool by_time = protocol::is_timestamp(range.anchor);
  if (range.kind != Kind::latest && !by_time) {
    auto& exists = db.cached("SELECT 1 FROM messages WHERE conversation = ?1 AND id = ?2");
    exists.bind(1, conversation).bind(2, range.anchor);
    if (!exists.step()) {
      page.anchor_found = false;
      return page;
    }
  }
  const bool forward = range.kind == Kind::after;
  // Every parameter is used (PostgreSQL infers their types from where they are): the latest
  // page has no anchor, and its limit is the second.
  const bool latest = range.kind == Kind::latest;
  const std::string_view bound = latest    ? "TRUE"
                                 : by_time ? (forward ? "time > ?2" : "time < ?2")
                                           : (forward ? "id > ?2" : "id < ?2");
  const int limit = latest ? 2 : 3;
  auto& query = db.cached(
      fmt::format("SELECT {} FROM messages WHERE conversation = ?1 AND {} ORDER BY id {} LIMIT ?{}",
                  message_columns, bound, forward ? "ASC" : "DESC", limit));
  query.bind(1, conversation).bind(limit, static_cast<std::int64_t>(range.limit + 1));
  if (!latest) query.bind(2, range.anchor);
  while (query.step()) page.messages.push_back(read_message(query, 0));
  if (page.messages.size() > range.limit) {
    page.more = true;
    page.messages.pop_back();
  }
  if (!forward) std::reverse(page.messages.begin(), page.messages.end());
  return page;
}

std::optional<std::string> read_marker_now(SqlConnection& db, const std::string& account_id,
                                           const std::string& conversation) {
  auto& query =
      db.cached("SELECT message_id FROM read_markers WHERE account_id = ?1 AND conversation = ?2");
  query.bind(1, account_id).bind(2, conversation);
  if (!query.step()) return std::nullopt;
  return query.text(0);
}

}  // namespace

SqlStore::SqlStore(asio::any_io_executor executor, std::unique_ptr<SqlConnection> db,
                   std::span<const std::string_view> migrations)
    : executor_(std::move(executor)), db_(std::move(db)) {
  migrate(*db_, migrations);
  writer_ = std::thread([this] { run_writer(); });
}

SqlStore::~SqlStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
}

void SqlStore::run_writer() {
  std::deque<Job> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is done
      batch.swap(queue_);
    }
    run_batch(batch);
    batch.clear();
  }
}

void SqlStore::run_batch(std::deque<Job>& batch) {
  // The whole batch in one transaction; if any job fails, it is rolled back and every job runs
  // again in a transaction of its own, so that one bad job fails alone. A batch that failed
  // because the connection was lost runs again once, on the connection begin() makes anew (the
  // server restarted); if that fails too, so does the batch, without a wait per job.
  std::vector<bool> done(batch.size(), false);
  bool whole = run_in_transaction(batch, 0, batch.size());
  if (!whole && !db_->connected()) whole = run_in_transaction(batch, 0, batch.size());
  if (whole) {
    done.assign(batch.size(), true);
  } else if (db_->connected()) {
    for (std::size_t i = 0; i < batch.size(); ++i) done[i] = run_in_transaction(batch, i, i + 1);
  }
  std::vector<std::pair<std::function<void(bool)>, bool>> completions;
  completions.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].completion) completions.emplace_back(std::move(batch[i].completion), done[i]);
  }
  if (completions.empty()) return;
  // One handler for the batch keeps the callbacks in order and costs one wake-up. The tracked
  // executor keeps the event loop running until it has run.
  asio::post(asio::prefer(executor_, asio::execution::outstanding_work.tracked),
             [completions = std::move(completions)]() mutable {
               for (auto& [completion, ok] : completions) completion(ok);
             });
}

bool SqlStore::run_in_transaction(std::deque<Job>& batch, std::size_t first, std::size_t last) {
  try {
    db_->begin();
    for (auto i = first; i < last; ++i) batch[i].work(*db_);
    db_->commit();
    db_->end_batch();
    return true;
  } catch (const std::exception& error) {  // the database's, or out of memory building a result
    std::fprintf(stderr, "chatd: store: %s\n", error.what());
    try {
      db_->rollback();
    } catch (const std::exception&) {
      // The connection is gone: the next batch finds out, and reconnects if it can.
    }
    db_->end_batch();
    return false;
  }
}

void SqlStore::submit(std::function<void(SqlConnection&)> work, Done done) {
  // Only a job with a callback holds the loop; load() runs before the loop has any other work,
  // and releasing the last work stops an io_context.
  asio::any_io_executor loop_work;
  if (done) loop_work = asio::prefer(executor_, asio::execution::outstanding_work.tracked);
  Job job{std::move(work), std::move(done), std::move(loop_work)};
  bool was_empty = false;
  {
    std::lock_guard lock(mutex_);
    was_empty = queue_.empty();
    queue_.push_back(std::move(job));
  }
  // The writer waits only on an empty queue: later jobs join the batch it will take.
  if (was_empty) wake_.notify_one();
}

template <typename Value>
void SqlStore::submit(std::function<Value(SqlConnection&)> work, Result<Value> done) {
  auto value = std::make_shared<Value>();
  submit([work = std::move(work), value](SqlConnection& db) { *value = work(db); },
         done ? Done([value, done = std::move(done)](bool ok) {
           done(ok, ok ? std::move(*value) : Value{});
         })
              : Done());
}

Snapshot SqlStore::load() {
  // Before the event loop starts nothing is queued, so the writer is idle and this thread may
  // use the connection; a failure reaches the caller as an exception.
  Snapshot snapshot;
  auto& accounts = db_->cached("SELECT id, nickname FROM accounts ORDER BY created, id");
  while (accounts.step()) snapshot.accounts.push_back({accounts.text(0), accounts.text(1)});
  auto& rooms = db_->cached(
      "SELECT folded, name, owner_id, topic, topic_set_by, topic_time FROM rooms ORDER BY folded");
  while (rooms.step()) {
    RoomRecord room{
        rooms.text(1), rooms.text(2), {}, {rooms.text(3), rooms.text(4), rooms.text(5)}};
    auto& members = db_->cached("SELECT account_id FROM room_members WHERE room = ?1");
    members.bind(1, rooms.text(0));
    while (members.step()) room.member_ids.push_back(members.text(0));
    snapshot.rooms.push_back(std::move(room));
  }
  db_->end_batch();
  return snapshot;
}

void SqlStore::flush(Done done) {
  // Jobs commit in order, so an empty one completes after every job queued before it.
  submit([](SqlConnection&) {}, std::move(done));
}

void SqlStore::create_account(AccountRecord account, std::string password_hash,
                              std::vector<std::string> folded_rooms,
                              std::optional<Identity> identity, Done done) {
  submit(
      [account = std::move(account), password_hash = std::move(password_hash),
       folded_rooms = std::move(folded_rooms), identity = std::move(identity)](SqlConnection& db) {
        db.cached(
              "INSERT INTO accounts (id, nickname, folded, password_hash, created)"
              " VALUES (?1, ?2, ?3, ?4, unixepoch())")
            .bind(1, account.id)
            .bind(2, account.nickname)
            .bind(3, protocol::fold_case(account.nickname))
            .bind(4, password_hash)
            .run();
        for (const auto& room : folded_rooms) {
          db.cached(
                "INSERT INTO room_members (room, account_id) VALUES (?1, ?2) ON CONFLICT DO "
                "NOTHING")
              .bind(1, room)
              .bind(2, account.id)
              .run();
        }
        if (identity) {
          // A conflict fails the job, and the account with it: the identity is someone's.
          db.cached(
                "INSERT INTO identities (issuer, subject, account_id, linked)"
                " VALUES (?1, ?2, ?3, unixepoch())")
              .bind(1, identity->issuer)
              .bind(2, identity->subject)
              .bind(3, account.id)
              .run();
        }
      },
      std::move(done));
}

void SqlStore::password_hash(std::string account_id, Result<std::optional<std::string>> done) {
  submit<std::optional<std::string>>(
      [account_id = std::move(account_id)](SqlConnection& db) -> std::optional<std::string> {
        auto& query = db.cached("SELECT password_hash FROM accounts WHERE id = ?1");
        query.bind(1, account_id);
        if (!query.step()) return std::nullopt;
        return query.text(0);
      },
      std::move(done));
}

void SqlStore::set_password_hash(std::string account_id, std::string password_hash, Done done) {
  submit(
      [account_id = std::move(account_id),
       password_hash = std::move(password_hash)](SqlConnection& db) {
        db.cached("UPDATE accounts SET password_hash = ?2 WHERE id = ?1")
            .bind(1, account_id)
            .bind(2, password_hash)
            .run();
      },
      std::move(done));
}

void SqlStore::rename_account(std::string account_id, std::string nickname, Done done) {
  submit(
      [account_id = std::move(account_id), nickname = std::move(nickname)](SqlConnection& db) {
        db.cached("UPDATE accounts SET nickname = ?2, folded = ?3 WHERE id = ?1")
            .bind(1, account_id)
            .bind(2, nickname)
            .bind(3, protocol::fold_case(nickname))
            .run();
      },
      std::move(done));
}

void SqlStore::find_identity(std::string issuer, std::string subject,
                             Result<std::optional<std::string>> done) {
  submit<std::optional<std::string>>(
      [issuer = std::move(issuer),
       subject = std::move(subject)](SqlConnection& db) -> std::optional<std::string> {
        auto& query =
            db.cached("SELECT account_id FROM identities WHERE issuer = ?1 AND subject = ?2");
        query.bind(1, issuer).bind(2, subject);
        if (!query.step()) return std::nullopt;
        return query.text(0);
      },
      std::move(done));
}

void SqlStore::link_identity(std::string issuer, std::string subject, std::string account_id,
                             Result<std::string> done) {
  submit<std::string>(
      [issuer = std::move(issuer), subject = std::move(subject),
       account_id = std::move(account_id)](SqlConnection& db) {
        db.cached(
              "INSERT INTO identities (issuer, subject, account_id, linked)"
              " VALUES (?1, ?2, ?3, unixepoch()) ON CONFLICT DO NOTHING")
            .bind(1, issuer)
            .bind(2, subject)
            .bind(3, account_id)
            .run();
        auto& query =
            db.cached("SELECT account_id FROM identities WHERE issuer = ?1 AND subject = ?2");
        query.bind(1, issuer).bind(2, subject);
        if (!query.step()) throw std::runtime_error("an identity just linked is not there");
        return query.text(0);
      },
      std::move(done));
}

void SqlStore::save_sign_in(std::string state, PendingSignIn sign_in, std::size_t limit,
                            Done done) {
  submit(
      [state = std::move(state), sign_in = std::move(sign_in),
       limit = static_cast<std::int64_t>(limit)](SqlConnection& db) {
        db.cached("DELETE FROM sign_ins WHERE expires < unixepoch()").run();
        // Full of live ones: the oldest give way, so that a flood of AUTHORIZE cannot lock
        // everyone out (a sign-in takes seconds; the flood must outpace flood control).
        db.cached(
              "DELETE FROM sign_ins WHERE state IN (SELECT state FROM sign_ins"
              " ORDER BY expires DESC LIMIT 1000000000 OFFSET ?1)")
            .bind(1, limit - 1)
            .run();
        db.cached(
              "INSERT INTO sign_ins (state, provider, nonce, verifier, redirect_uri,"
              " linking_account, expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
            .bind(1, state)
            .bind(2, sign_in.provider)
            .bind(3, sign_in.nonce)
            .bind(4, sign_in.verifier)
            .bind(5, sign_in.redirect_uri)
            .bind(6, sign_in.linking_account)
            .bind(7, unix_seconds(sign_in.expires))
            .run();
      },
      std::move(done));
}

void SqlStore::find_sign_in(std::string state, bool take,
                            Result<std::optional<PendingSignIn>> done) {
  submit<std::optional<PendingSignIn>>(
      [state = std::move(state), take](SqlConnection& db) -> std::optional<PendingSignIn> {
        auto& query = db.cached(
            take ? "DELETE FROM sign_ins WHERE state = ?1 RETURNING provider, nonce, verifier,"
                   " redirect_uri, linking_account, expires"
                 : "SELECT provider, nonce, verifier, redirect_uri, linking_account, expires"
                   " FROM sign_ins WHERE state = ?1");
        query.bind(1, state);
        if (!query.step()) return std::nullopt;
        PendingSignIn sign_in{
            query.text(0),
            query.text(1),
            query.text(2),
            query.text(3),
            query.text(4),
            std::chrono::system_clock::time_point(std::chrono::seconds(query.integer(5)))};
        query.run();  // to its end: a DELETE ... RETURNING is done only then
        if (sign_in.expires < std::chrono::system_clock::now()) return std::nullopt;
        return sign_in;
      },
      std::move(done));
}

void SqlStore::save_session(std::string token_hash, std::string account_id,
                            std::chrono::system_clock::time_point expires, Done done) {
  submit(
      [token_hash = std::move(token_hash), account_id = std::move(account_id),
       expires = unix_seconds(expires)](SqlConnection& db) {
        db.cached("DELETE FROM sessions WHERE expires < unixepoch()").run();
        db.cached("INSERT INTO sessions (token_hash, account_id, expires) VALUES (?1, ?2, ?3)")
            .bind(1, token_hash)
            .bind(2, account_id)
            .bind(3, expires)
            .run();
      },
      std::move(done));
}

void SqlStore::find_session(std::string token_hash, Result<std::optional<std::string>> done) {
  submit<std::optional<std::string>>(
      [token_hash = std::move(token_hash)](SqlConnection& db) -> std::optional<std::string> {
        auto& query = db.cached(
            "SELECT account_id FROM sessions WHERE token_hash = ?1 AND expires >= unixepoch()");
        query.bind(1, token_hash);
        if (!query.step()) return std::nullopt;
        return query.text(0);
      },
      std::move(done));
}

void SqlStore::delete_session(std::string token_hash, Done done) {
  submit(
      [token_hash = std::move(token_hash)](SqlConnection& db) {
        db.cached("DELETE FROM sessions WHERE token_hash = ?1").bind(1, token_hash).run();
      },
      std::move(done));
}

void SqlStore::delete_other_sessions(std::string account_id, std::string keep_token_hash,
                                     Done done) {
  submit(
      [account_id = std::move(account_id), keep = std::move(keep_token_hash)](SqlConnection& db) {
        db.cached("DELETE FROM sessions WHERE account_id = ?1 AND token_hash != ?2")
            .bind(1, account_id)
            .bind(2, keep)
            .run();
      },
      std::move(done));
}

void SqlStore::save_room(std::string folded, RoomRecord room, Result<RoomRecord> done) {
  submit<RoomRecord>(
      [folded = std::move(folded), room = std::move(room)](SqlConnection& db) {
        db.cached(
              "INSERT INTO rooms (folded, name, owner_id, created) VALUES (?1, ?2, ?3, "
              "unixepoch()) ON CONFLICT (folded) DO NOTHING")
            .bind(1, folded)
            .bind(2, room.name)
            .bind(3, room.owner_id)
            .run();
        auto& query = db.cached(
            "SELECT name, owner_id, topic, topic_set_by, topic_time FROM rooms WHERE folded = ?1");
        query.bind(1, folded);
        if (!query.step()) throw std::runtime_error("a room just saved is not there");
        return RoomRecord{
            query.text(0), query.text(1), {}, {query.text(2), query.text(3), query.text(4)}};
      },
      std::move(done));
}

void SqlStore::delete_room(std::string folded, Done done) {
  submit(
      [folded = std::move(folded)](SqlConnection& db) {
        db.cached("DELETE FROM rooms WHERE folded = ?1").bind(1, folded).run();
        db.cached("DELETE FROM messages WHERE conversation = ?1").bind(1, folded).run();
        db.cached("DELETE FROM read_markers WHERE conversation = ?1").bind(1, folded).run();
      },
      std::move(done));
}

void SqlStore::set_topic(std::string folded, Topic topic, Done done) {
  submit(
      [folded = std::move(folded), topic = std::move(topic)](SqlConnection& db) {
        db.cached(
              "UPDATE rooms SET topic = ?2, topic_set_by = ?3, topic_time = ?4 WHERE folded = ?1")
            .bind(1, folded)
            .bind(2, topic.text)
            .bind(3, topic.set_by)
            .bind(4, topic.time)
            .run();
      },
      std::move(done));
}

void SqlStore::add_member(std::string folded, std::string account_id, Done done) {
  submit(
      [folded = std::move(folded), account_id = std::move(account_id)](SqlConnection& db) {
        db.cached(
              "INSERT INTO room_members (room, account_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING")
            .bind(1, folded)
            .bind(2, account_id)
            .run();
      },
      std::move(done));
}

void SqlStore::remove_member(std::string folded, std::string account_id, Done done) {
  submit(
      [folded = std::move(folded), account_id = std::move(account_id)](SqlConnection& db) {
        db.cached("DELETE FROM room_members WHERE room = ?1 AND account_id = ?2")
            .bind(1, folded)
            .bind(2, account_id)
            .run();
      },
      std::move(done));
}

void SqlStore::save_message(protocol::ChatMessage message, std::string conversation,
                            std::optional<std::string> pending_for, Done done) {
  submit(
      [message = std::move(message), conversation = std::move(conversation),
       pending_for = std::move(pending_for)](SqlConnection& db) {
        db.cached(
              "INSERT INTO messages (id, conversation, time, target, sender_id, sender, text)"
              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING")
            .bind(1, message.id)
            .bind(2, conversation)
            .bind(3, message.time)
            .bind(4, message.target)
            .bind(5, message.sender_id)
            .bind(6, message.sender)
            .bind(7, message.text)
            .run();
        if (conversation.front() == '@') {
          // "@<id>,<id>": remember the pair both ways (nothing new after the first message).
          const auto comma = conversation.find(',');
          const auto first = conversation.substr(1, comma - 1);
          const auto second = conversation.substr(comma + 1);
          for (const auto& [user, partner] : {std::pair{first, second}, std::pair{second, first}}) {
            db.cached(
                  "INSERT INTO private_partners (user_id, partner_id) VALUES (?1, ?2)"
                  " ON CONFLICT DO NOTHING")
                .bind(1, user)
                .bind(2, partner)
                .run();
          }
        }
        if (pending_for) {
          // Ids are unique: a conflict is this message again, its batch retried after a commit
          // whose answer the lost connection never brought.
          db.cached(
                "INSERT INTO pending (account_id, conversation, id) VALUES (?1, ?2, ?3)"
                " ON CONFLICT DO NOTHING")
              .bind(1, *pending_for)
              .bind(2, conversation)
              .bind(3, message.id)
              .run();
        }
      },
      std::move(done));
}

void SqlStore::history(std::string conversation, protocol::HistoryRange range,
                       Result<HistoryPage> done) {
  submit<HistoryPage>([conversation = std::move(conversation), range = std::move(range)](
                          SqlConnection& db) { return read_history(db, conversation, range); },
                      std::move(done));
}

void SqlStore::take_pending(std::string account_id,
                            Result<std::vector<protocol::ChatMessage>> done) {
  submit<std::vector<protocol::ChatMessage>>(
      [account_id = std::move(account_id)](SqlConnection& db) {
        std::vector<protocol::ChatMessage> messages;
        auto& query = db.cached(fmt::format(
            "SELECT {} FROM pending JOIN messages USING (conversation, id) WHERE account_id = ?1"
            " ORDER BY id",
            message_columns));
        query.bind(1, account_id);
        while (query.step()) messages.push_back(read_message(query, 0));
        db.cached("DELETE FROM pending WHERE account_id = ?1").bind(1, account_id).run();
        return messages;
      },
      std::move(done));
}

void SqlStore::set_read_marker(std::string account_id, std::string conversation,
                               std::string message_id, Result<std::optional<std::string>> done) {
  submit<std::optional<std::string>>(
      [account_id = std::move(account_id), conversation = std::move(conversation),
       message_id = std::move(message_id)](SqlConnection& db) -> std::optional<std::string> {
        auto& exists = db.cached("SELECT 1 FROM messages WHERE conversation = ?1 AND id = ?2");
        exists.bind(1, conversation).bind(2, message_id);
        if (!exists.step()) return std::nullopt;
        // Ids grow with time, so the later message is the greater id.
        db.cached(
              "INSERT INTO read_markers (account_id, conversation, message_id) VALUES (?1, ?2, ?3)"
              " ON CONFLICT (account_id, conversation) DO UPDATE SET message_id = CASE"
              " WHEN excluded.message_id > read_markers.message_id THEN excluded.message_id"
              " ELSE read_markers.message_id END")
            .bind(1, account_id)
            .bind(2, conversation)
            .bind(3, message_id)
            .run();
        return read_marker_now(db, account_id, conversation);
      },
      std::move(done));
}

void SqlStore::private_partners(std::string user_id, Result<std::vector<std::string>> done) {
  submit<std::vector<std::string>>(
      [user_id = std::move(user_id)](SqlConnection& db) {
        std::vector<std::string> partners;
        auto& query = db.cached("SELECT partner_id FROM private_partners WHERE user_id = ?1");
        query.bind(1, user_id);
        while (query.step()) partners.push_back(query.text(0));
        return partners;
      },
      std::move(done));
}

void SqlStore::read_marker(std::string account_id, std::string conversation,
                           Result<std::optional<std::string>> done) {
  submit<std::optional<std::string>>(
      [account_id = std::move(account_id), conversation = std::move(conversation)](
          SqlConnection& db) { return read_marker_now(db, account_id, conversation); },
      std::move(done));
}

}  // namespace chat::store
