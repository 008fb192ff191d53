#include "host_path.h"

std::string hostPathArgument(const Napi::Value& value) {
  std::string path;
  if (value.IsBuffer()) {
    auto bytes = value.As<Napi::Buffer<char>>();
    path.assign(bytes.Data(), bytes.Length());
  } else {
    path = value.As<Napi::String>().Utf8Value();
  }
  return path.find('\0') == std::string::npos ? path : std::string();
}
