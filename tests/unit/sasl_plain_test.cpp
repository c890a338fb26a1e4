// SASL PLAIN's payload as IRC clients send it: base64 of "authzid NUL authcid NUL password".
#include "chatd/fronts/sasl_plain.hpp"

#include <doctest/doctest.h>

TEST_CASE("SASL PLAIN: the three fields, with or without an authorization identity") {
  // base64 of "\0alice\0correct horse" and "alice\0alice\0pw"
  const auto plain = chat::decode_sasl_plain("AGFsaWNlAGNvcnJlY3QgaG9yc2U=");
  REQUIRE(plain);
  CHECK(plain->authorization.empty());
  CHECK(plain->authentication == "alice");
  CHECK(plain->password == "correct horse");
  const auto both = chat::decode_sasl_plain("YWxpY2UAYWxpY2UAcHc=");
  REQUIRE(both);
  CHECK(both->authorization == "alice");
  CHECK(both->password == "pw");
}

TEST_CASE("SASL PLAIN: what is not base64 or not the layout is refused") {
  CHECK_FALSE(chat::decode_sasl_plain(""));
  CHECK_FALSE(chat::decode_sasl_plain("!!!!"));
  CHECK_FALSE(chat::decode_sasl_plain("AGFsaWNlAGNvcnJlY3QgaG9yc2U"));    // padding missing
  CHECK_FALSE(chat::decode_sasl_plain("AGFsaWNlAGNvcnJlY3QgaG9yc2U=x"));  // trailing garbage
  CHECK_FALSE(chat::decode_sasl_plain("bm8gc2VwYXJhdG9ycw=="));           // "no separators"
  CHECK_FALSE(chat::decode_sasl_plain("YQBi"));                           // "a\0b": one NUL
  CHECK_FALSE(chat::decode_sasl_plain("AABwdw=="));                       // "\0\0pw": no name
  CHECK_FALSE(chat::decode_sasl_plain("YQBiAGMAZA=="));                   // "a\0b\0c\0d"
}
