#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "protocol/command.hpp"
#include "protocol/server_line.hpp"

namespace chat::store {

// Who someone is at an OpenID provider.
struct Identity {
  std::string issuer;
  std::string subject;
};

struct AccountRecord {
  std::string id;  // the user identifier, kept from the guest who registered
  std::string nickname;
};

// A room's topic: its text (empty: none), who set it and when (ISO 8601).
struct Topic {
  std::string text;
  std::string set_by;
  std::string time;
};

struct RoomRecord {
  std::string name;                     // as created, "#Main"
  std::string owner_id;                 // an account or a guest's (then gone) identifier
  std::vector<std::string> member_ids;  // accounts only: guests' memberships end with them
  Topic topic = {};
};

// A sign-in with an OpenID provider, begun (AUTHORIZE) and not yet finished (SIGNIN): what
// finishing it needs. Kept in the store so that any node of a cluster can finish it.
struct PendingSignIn {
  std::string provider;
  std::string nonce;
  std::string verifier;  // PKCE code_verifier
  std::string redirect_uri;
  std::string linking_account;  // the account that asked to link an identity; empty: a sign-in
  std::chrono::system_clock::time_point expires;
};

// What chatd loads at start: the hub keeps accounts and rooms in memory.
struct Snapshot {
  std::vector<AccountRecord> accounts;
  std::vector<RoomRecord> rooms;
};

struct HistoryPage {
  std::vector<protocol::ChatMessage> messages;  // oldest first
  bool more = false;         // further messages lie beyond the page, in the asked direction
  bool anchor_found = true;  // false when the anchor message id is not in the conversation
};

// chatd's system of record, behind an interface so that a PostgreSQL backend can replace the
// embedded SQLite one. Every call is asynchronous: it returns at once, the work is done in the
// order of the calls, and the callback runs later on chatd's event loop with `ok` true only once
// the work is durable (or read). Callbacks may be empty. A conversation is "*" (everyone), a
// folded room name, or "@<id>,<id>" for two users' private messages (ids in order).
class Store {
 public:
  using Done = std::function<void(bool ok)>;
  template <typename Value>
  using Result = std::function<void(bool ok, Value value)>;

  virtual ~Store() = default;

  // Synchronous, before the event loop starts and before any other call; throws on failure.
  virtual Snapshot load() = 0;
  // `done` runs once everything asked before is durable.
  virtual void flush(Done done) = 0;

  // With `identity`, the account is linked to it in the same transaction: an account made by a
  // first sign-in never exists without the identity that signs in to it.
  virtual void create_account(AccountRecord account, std::string password_hash,
                              std::vector<std::string> folded_rooms,
                              std::optional<Identity> identity, Done done) = 0;
  virtual void password_hash(std::string account_id, Result<std::optional<std::string>> done) = 0;
  virtual void set_password_hash(std::string account_id, std::string password_hash, Done done) = 0;
  virtual void rename_account(std::string account_id, std::string nickname, Done done) = 0;

  // The account an identity at an OpenID provider signs in to, if it is linked to one.
  virtual void find_identity(std::string issuer, std::string subject,
                             Result<std::optional<std::string>> done) = 0;
  // Links an identity to an account unless it is linked already; the value is the account it
  // is linked to afterwards (another one when it was).
  virtual void link_identity(std::string issuer, std::string subject, std::string account_id,
                             Result<std::string> done) = 0;

  // Keeps a sign-in under its state, forgetting expired ones and, past `limit`, the oldest.
  virtual void save_sign_in(std::string state, PendingSignIn sign_in, std::size_t limit,
                            Done done) = 0;
  // The sign-in begun under a state, unless it has expired. `take`: it is used up in the same
  // step, so that of two nodes finishing one sign-in, one gets it.
  virtual void find_sign_in(std::string state, bool take,
                            Result<std::optional<PendingSignIn>> done) = 0;

  // Sessions are kept by a hash of their token, never the token itself.
  virtual void save_session(std::string token_hash, std::string account_id,
                            std::chrono::system_clock::time_point expires, Done done) = 0;
  // The account of a session that has not expired.
  virtual void find_session(std::string token_hash, Result<std::optional<std::string>> done) = 0;
  virtual void delete_session(std::string token_hash, Done done) = 0;
  // Every session of the account but one (after a password change).
  virtual void delete_other_sessions(std::string account_id, std::string keep_token_hash,
                                     Done done) = 0;

  // Creates the room unless the store has one by that name already (another node of a cluster
  // made it first); the value is the room as stored: this one, or the one that was there.
  virtual void save_room(std::string folded, RoomRecord room, Result<RoomRecord> done) = 0;
  // The room, its memberships and its messages.
  virtual void delete_room(std::string folded, Done done) = 0;
  virtual void set_topic(std::string folded, Topic topic, Done done) = 0;
  virtual void add_member(std::string folded, std::string account_id, Done done) = 0;
  virtual void remove_member(std::string folded, std::string account_id, Done done) = 0;

  // The users someone has private messages with (their ids), in no particular order.
  virtual void private_partners(std::string user_id, Result<std::vector<std::string>> done) = 0;
  // A message; `pending_for` is an account that is offline and gets it at its next login.
  virtual void save_message(protocol::ChatMessage message, std::string conversation,
                            std::optional<std::string> pending_for, Done done) = 0;
  virtual void history(std::string conversation, protocol::HistoryRange range,
                       Result<HistoryPage> done) = 0;
  // The messages kept for an account while it was offline, oldest first; they are then
  // forgotten as pending (they stay in history).
  virtual void take_pending(std::string account_id,
                            Result<std::vector<protocol::ChatMessage>> done) = 0;
  // Moves the account's read marker in a conversation forward to a message (never back: two
  // devices may race). The value is the marker afterwards, or nullopt when the message is not
  // in that conversation.
  virtual void set_read_marker(std::string account_id, std::string conversation,
                               std::string message_id, Result<std::optional<std::string>> done) = 0;
  virtual void read_marker(std::string account_id, std::string conversation,
                           Result<std::optional<std::string>> done) = 0;
};

}  // namespace chat::store
