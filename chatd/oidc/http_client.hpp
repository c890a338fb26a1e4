#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/thread_pool.hpp>
#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <variant>
#include <vector>

namespace chat::oidc {

struct HttpResponse {
  long status = 0;
  std::string content_type;
  std::string body;
};

// An HTTP or HTTPS request, with an application/x-www-form-urlencoded body when `form` is set.
struct HttpRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> form;  // POST when not empty
  std::string basic_user;  // HTTP Basic authentication when not empty
  std::string basic_password;
  std::string bearer_token;  // Authorization: Bearer when not empty
};

// What went wrong below HTTP (no connection, a timeout, a certificate that does not verify).
struct HttpFailure {
  std::string reason;
};

using HttpResult = std::variant<HttpResponse, HttpFailure>;

// Outgoing HTTP for OpenID Connect (discovery, keys, code exchange), with libcurl. A request
// blocks, so requests run on a thread of their own, one at a time, never on the event loop;
// answers come back on the loop through `executor`. Certificates are verified, redirects are
// not followed, bodies are capped and every request has a deadline, so a provider that
// misbehaves costs a sign-in, not the server.
class HttpClient {
 public:
  static constexpr std::size_t max_body = 1 << 20;
  static constexpr auto timeout = std::chrono::seconds(10);

  explicit HttpClient(asio::any_io_executor executor);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  void fetch(HttpRequest request, std::function<void(HttpResult)> done);

 private:
  HttpResult perform(const HttpRequest& request);

  asio::any_io_executor executor_;
  std::atomic<bool> stopping_{false};  // aborts a request in flight at shutdown
  asio::thread_pool pool_{1};
};

// "a=1&b=x%20y": form fields and query parameters, percent-encoded (RFC 3986 unreserved kept).
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace chat::oidc
