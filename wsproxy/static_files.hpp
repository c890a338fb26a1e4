#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace chat::wsproxy {

struct StaticFile {
  std::string content_type;
  std::string body;
};

// Serves the web app's files from one directory. Request paths never escape it: anything that
// resolves outside the root, or is not a regular file, is not found.
class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);

  // resource is the request target, e.g. "/app.js?v=2"; "/" means index.html.
  std::optional<StaticFile> find(std::string_view resource) const;

 private:
  std::filesystem::path root_;
};

std::string_view content_type_for(const std::filesystem::path& file);

}  // namespace chat::wsproxy
