#include "chatd/net/shared_io.hpp"

#include <asio/post.hpp>
#include <utility>

#include "chatd/net/session.hpp"

namespace chat {

SharedIo::SharedIo(asio::any_io_executor executor)
    : executor_(std::move(executor)), scratch_(scratch_size) {}

void SharedIo::schedule_write(std::shared_ptr<Session> session) {
  pending_.push_back(std::move(session));
  if (pending_.size() == 1) asio::post(executor_, [this] { flush(); });
}

void SharedIo::flush() {
  // A write may queue more output (a session closing fans out its departure): that is the
  // next turn's, with a post of its own.
  flushing_.swap(pending_);
  for (const auto& session : flushing_) session->write();
  flushing_.clear();
}

}  // namespace chat
