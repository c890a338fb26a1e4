#include "wsproxy/static_files.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <system_error>

namespace chat::wsproxy {

StaticFiles::StaticFiles(std::filesystem::path root)
    : root_(std::filesystem::weakly_canonical(std::move(root))) {}

std::optional<StaticFile> StaticFiles::find(std::string_view resource) const {
  resource = resource.substr(0, resource.find_first_of("?#"));
  if (resource.empty() || resource.front() != '/') return std::nullopt;
  // Percent-encoding and backslashes are never needed by the app's own files; refusing them
  // closes the usual doors to path traversal.
  if (resource.find_first_of("%\\") != std::string_view::npos) return std::nullopt;
  for (const char c : resource) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return std::nullopt;
  }
  std::string relative(resource.substr(1));
  if (relative.empty() || relative.back() == '/') relative += "index.html";

  std::error_code error;
  const auto path = std::filesystem::weakly_canonical(root_ / relative, error);
  if (error) return std::nullopt;
  const auto [root_end, unused] =
      std::mismatch(root_.begin(), root_.end(), path.begin(), path.end());
  if (root_end != root_.end() || !std::filesystem::is_regular_file(path, error))
    return std::nullopt;

  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return StaticFile{std::string(content_type_for(path)),
                    std::string(std::istreambuf_iterator<char>(in), {})};
}

std::string_view content_type_for(const std::filesystem::path& file) {
  const auto extension = file.extension().string();
  if (extension == ".html") return "text/html; charset=utf-8";
  if (extension == ".js" || extension == ".mjs") return "text/javascript; charset=utf-8";
  if (extension == ".css") return "text/css; charset=utf-8";
  if (extension == ".json" || extension == ".webmanifest") return "application/json";
  if (extension == ".svg") return "image/svg+xml";
  if (extension == ".png") return "image/png";
  if (extension == ".ico") return "image/x-icon";
  if (extension == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace chat::wsproxy
