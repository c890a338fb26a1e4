#include "chatd/net/tls_context.hpp"

#include <stdexcept>

namespace chat {
namespace {

std::shared_ptr<asio::ssl::context> tls12_or_later(asio::ssl::context::method method) {
  auto context = std::make_shared<asio::ssl::context>(method);
  context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1 | asio::ssl::context::no_compression |
                       asio::ssl::context::single_dh_use);
  return context;
}

// Runs one setup step, turning Asio's error into a message a user can act on.
template <class Step>
void must(Step step, const std::string& what) {
  asio::error_code error;
  step(error);
  if (error) throw std::runtime_error(what + ": " + error.message());
}

}  // namespace

std::shared_ptr<asio::ssl::context> server_tls_context(const std::string& certificate_chain,
                                                       const std::string& private_key) {
  auto context = tls12_or_later(asio::ssl::context::tls_server);
  must([&](auto& error) { context->use_certificate_chain_file(certificate_chain, error); },
       "TLS certificate " + certificate_chain);
  // OpenSSL checks here that the key is the certificate's ("key values mismatch").
  must([&](auto& error) { context->use_private_key_file(private_key, context->pem, error); },
       "TLS key " + private_key);
  return context;
}

std::shared_ptr<asio::ssl::context> client_tls_context(const std::string& ca_file) {
  auto context = tls12_or_later(asio::ssl::context::tls_client);
  if (ca_file.empty()) {
    must([&](auto& error) { context->set_default_verify_paths(error); },
         "the system's TLS authorities");
  } else {
    must([&](auto& error) { context->load_verify_file(ca_file, error); },
         "TLS authority " + ca_file);
  }
  context->set_verify_mode(asio::ssl::verify_peer);
  return context;
}

}  // namespace chat
