#pragma once

#include <cstdint>

namespace chat {

// Raises this process's soft limit on open files to the hard limit (each connection is one, and
// the usual soft default of 1024 would cap a server far below what it can serve); returns the
// limit now in force.
std::uint64_t raise_open_files_limit();

}  // namespace chat
