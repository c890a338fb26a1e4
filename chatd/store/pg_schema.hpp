#pragma once

#include <array>
#include <string_view>

namespace chat::store {

// The PostgreSQL schema, as forward migrations like sqlite_schema.hpp's (the table chatd_schema
// counts those applied). It holds what the SQLite schema holds after its migrations, in
// PostgreSQL's terms: text compares byte by byte (COLLATE "C", as SQLite's BINARY), so that
// message ids, which grow with time, sort as they do there; and unixepoch() is defined, so
// that the store's SQL is the same for both.
inline constexpr std::array<std::string_view, 2> pg_migrations{
    R"sql(
CREATE FUNCTION unixepoch() RETURNS bigint LANGUAGE sql STABLE
  AS 'SELECT extract(epoch FROM now())::bigint';
CREATE TABLE accounts (
  id TEXT COLLATE "C" PRIMARY KEY,
  nickname TEXT COLLATE "C" NOT NULL,
  folded TEXT COLLATE "C" NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  created BIGINT NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT COLLATE "C" PRIMARY KEY,
  account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  expires BIGINT NOT NULL
);
CREATE INDEX sessions_by_account ON sessions (account_id);
CREATE TABLE rooms (
  folded TEXT COLLATE "C" PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL,
  owner_id TEXT COLLATE "C" NOT NULL,
  created BIGINT NOT NULL,
  topic TEXT NOT NULL DEFAULT '',
  topic_set_by TEXT NOT NULL DEFAULT '',
  topic_time TEXT NOT NULL DEFAULT ''
);
CREATE TABLE room_members (
  room TEXT COLLATE "C" NOT NULL REFERENCES rooms (folded) ON DELETE CASCADE,
  account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  PRIMARY KEY (room, account_id)
);
CREATE TABLE messages (
  conversation TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  time TEXT COLLATE "C" NOT NULL,
  target TEXT NOT NULL,
  sender_id TEXT NOT NULL,
  sender TEXT NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (conversation, id)
);
CREATE TABLE pending (
  account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  conversation TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (account_id, conversation, id),
  FOREIGN KEY (conversation, id) REFERENCES messages (conversation, id) ON DELETE CASCADE
);
CREATE TABLE private_partners (
  user_id TEXT COLLATE "C" NOT NULL,
  partner_id TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (user_id, partner_id)
);
CREATE TABLE read_markers (
  account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  conversation TEXT COLLATE "C" NOT NULL,
  message_id TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (account_id, conversation)
);
CREATE TABLE identities (
  issuer TEXT COLLATE "C" NOT NULL,
  subject TEXT COLLATE "C" NOT NULL,
  account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  linked BIGINT NOT NULL,
  PRIMARY KEY (issuer, subject)
);
CREATE INDEX identities_by_account ON identities (account_id);
)sql",
    // 2: sign-ins begun and not yet finished (SQLite's 4).
    R"sql(
CREATE TABLE sign_ins (
  state TEXT COLLATE "C" PRIMARY KEY,
  provider TEXT NOT NULL,
  nonce TEXT NOT NULL,
  verifier TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  linking_account TEXT NOT NULL,
  expires BIGINT NOT NULL
);
CREATE INDEX sign_ins_by_expiry ON sign_ins (expires);
)sql",
};

}  // namespace chat::store
