#pragma once

#include <array>
#include <string_view>

namespace chat::store {

// Forward migrations, applied in order at start; PRAGMA user_version counts those applied. Never
// edit a released one: add the next. A database from a newer chatd (a higher version) is refused.
inline constexpr std::array<std::string_view, 4> sqlite_migrations{
    R"sql(
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  nickname TEXT NOT NULL,
  folded TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  created INTEGER NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  expires INTEGER NOT NULL
);
CREATE INDEX sessions_by_account ON sessions (account_id);
CREATE TABLE rooms (
  folded TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  created INTEGER NOT NULL
);
CREATE TABLE room_members (
  room TEXT NOT NULL REFERENCES rooms (folded) ON DELETE CASCADE,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  PRIMARY KEY (room, account_id)
) WITHOUT ROWID;
-- One b-tree, clustered by conversation then id: message ids grow with time (UUIDv7), so a
-- conversation reads in order and each insert lands at the end of its conversation.
CREATE TABLE messages (
  conversation TEXT NOT NULL,
  id TEXT NOT NULL,
  time TEXT NOT NULL,
  target TEXT NOT NULL,
  sender_id TEXT NOT NULL,
  sender TEXT NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (conversation, id)
) WITHOUT ROWID;
CREATE TABLE pending (
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  conversation TEXT NOT NULL,
  id TEXT NOT NULL,
  PRIMARY KEY (account_id, conversation, id),
  FOREIGN KEY (conversation, id) REFERENCES messages (conversation, id) ON DELETE CASCADE
) WITHOUT ROWID;
-- Who has private messages with whom, both ways: a new device lists its conversations here.
CREATE TABLE private_partners (
  user_id TEXT NOT NULL,
  partner_id TEXT NOT NULL,
  PRIMARY KEY (user_id, partner_id)
) WITHOUT ROWID;
CREATE TABLE read_markers (
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  conversation TEXT NOT NULL,
  message_id TEXT NOT NULL,
  PRIMARY KEY (account_id, conversation)
) WITHOUT ROWID;
)sql",
    // 2: rooms keep a topic (IRC's TOPIC, chat's TOPIC), with who set it and when.
    R"sql(
ALTER TABLE rooms ADD COLUMN topic TEXT NOT NULL DEFAULT '';
ALTER TABLE rooms ADD COLUMN topic_set_by TEXT NOT NULL DEFAULT '';
ALTER TABLE rooms ADD COLUMN topic_time TEXT NOT NULL DEFAULT '';
)sql",
    // 3: identities at OpenID providers (issuer, subject) that sign in to an account. An account
    // made by a social sign-in has no password: its password_hash is ''.
    R"sql(
CREATE TABLE identities (
  issuer TEXT NOT NULL,
  subject TEXT NOT NULL,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  linked INTEGER NOT NULL,
  PRIMARY KEY (issuer, subject)
) WITHOUT ROWID;
CREATE INDEX identities_by_account ON identities (account_id);
)sql",
    // 4: sign-ins begun and not yet finished, kept where any node of a cluster can finish them.
    R"sql(
CREATE TABLE sign_ins (
  state TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  nonce TEXT NOT NULL,
  verifier TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  linking_account TEXT NOT NULL,
  expires INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sign_ins_by_expiry ON sign_ins (expires);
)sql",
};

}  // namespace chat::store
