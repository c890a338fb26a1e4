#pragma once

#include <asio/ssl/context.hpp>
#include <memory>
#include <string>

namespace chat {

// OpenSSL contexts set up once at start, shared by every connection. Both throw
// std::runtime_error naming the file and what is wrong with it, so a bad flag stops the program
// with a clear message instead of failing each handshake later.

// A listener's: the certificate chain (PEM, leaf first) and its private key; TLS 1.2 and up.
std::shared_ptr<asio::ssl::context> server_tls_context(const std::string& certificate_chain,
                                                       const std::string& private_key);

// A client's that verifies the server: against `ca_file` (PEM), or the system's trusted
// authorities when it is empty.
std::shared_ptr<asio::ssl::context> client_tls_context(const std::string& ca_file);

}  // namespace chat
