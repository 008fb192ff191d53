// A host path handed in from JavaScript: a string (UTF-8) or a Buffer holding the path's exact
// bytes (a Linux path need not be UTF-8: src/byte_string.ts gives a Buffer for those).
#pragma once
#include <napi.h>

#include <string>

// The bytes of a path argument (string or Buffer). A NUL inside makes the path empty (ENOENT).
std::string hostPathArgument(const Napi::Value& value);
