#include "chatd/oidc/http_client.hpp"

#include <curl/curl.h>

#include <asio/post.hpp>
#include <memory>
#include <stdexcept>
#include <utility>

namespace chat::oidc {
namespace {

struct Transfer {
  std::string body;
  std::string content_type;
  bool too_big = false;
  const std::atomic<bool>* stopping = nullptr;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const auto bytes = size * count;
  if (transfer.body.size() + bytes > HttpClient::max_body) {
    transfer.too_big = true;
    return 0;  // aborts the transfer
  }
  transfer.body.append(data, bytes);
  return bytes;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<Transfer*>(user)->stopping->load() ? 1 : 0;
}

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string percent_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string encoded;
  for (const unsigned char c : text) {
    if (is_unreserved(c)) {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += hex[c >> 4];
      encoded += hex[c & 15];
    }
  }
  return encoded;
}

}  // namespace

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string encoded;
  for (const auto& [name, value] : fields) {
    if (!encoded.empty()) encoded += '&';
    encoded += percent_encode(name) + '=' + percent_encode(value);
  }
  return encoded;
}

HttpClient::HttpClient(asio::any_io_executor executor) : executor_(std::move(executor)) {
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    throw std::runtime_error("libcurl failed to initialise");
}

HttpClient::~HttpClient() {
  stopping_ = true;
  pool_.join();
  curl_global_cleanup();
}

void HttpClient::fetch(HttpRequest request, std::function<void(HttpResult)> done) {
  // The answer is posted without tracking work: a provider that hangs must not hold up
  // chatd's shutdown, and an answer that comes after it is dropped with the loop.
  asio::post(pool_, [this, request = std::move(request), done = std::move(done)]() mutable {
    auto result = perform(request);
    asio::post(executor_,
               [done = std::move(done), result = std::move(result)]() mutable { done(result); });
  });
}

HttpResult HttpClient::perform(const HttpRequest& request) {
  const std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  if (!easy) return HttpFailure{"out of memory"};
  Transfer transfer;
  transfer.stopping = &stopping_;
  std::unique_ptr<curl_slist, ListDeleter> headers(
      curl_slist_append(nullptr, "Accept: application/json"));
  std::string bearer;
  if (!request.bearer_token.empty()) {
    bearer = "Authorization: Bearer " + request.bearer_token;
    headers.reset(curl_slist_append(headers.release(), bearer.c_str()));
  }
  const auto body = form_encode(request.form);
  const auto seconds = static_cast<long>(timeout.count());
  CURL* handle = easy.get();
  curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, seconds / 2);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT, seconds);
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(handle, CURLOPT_USERAGENT, "chatd");
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(handle, CURLOPT_XFERINFODATA, &transfer);
  curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
  if (!request.form.empty()) {
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  // RFC 6749 2.3.1: client credentials are form-encoded before Basic encoding.
  const auto user = percent_encode(request.basic_user);
  const auto password = percent_encode(request.basic_password);
  if (!request.basic_user.empty()) {
    curl_easy_setopt(handle, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(handle, CURLOPT_USERNAME, user.c_str());
    curl_easy_setopt(handle, CURLOPT_PASSWORD, password.c_str());
  }
  if (const auto code = curl_easy_perform(handle); code != CURLE_OK) {
    return HttpFailure{transfer.too_big ? "response too large" : curl_easy_strerror(code)};
  }
  HttpResponse response;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
  const char* type = nullptr;
  curl_easy_getinfo(handle, CURLINFO_CONTENT_TYPE, &type);
  if (type) response.content_type = type;
  response.body = std::move(transfer.body);
  return response;
}

}  // namespace chat::oidc
