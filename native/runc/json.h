// The little JSON the runtime front-end needs: parsing the runtime's own state files and the
// sandbox process's readiness line, and writing strings exactly as JSON.stringify does (so that
// `state` prints what the node runtime prints, byte for byte).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct Json {
  enum class Kind { Null, Bool, Number, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  double number = 0;
  std::string text;
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> members;

  /** The member key of an object (the last one, as JSON.parse keeps), or nullptr. */
  const Json* get(std::string_view key) const;
  bool isString() const { return kind == Kind::String; }
  /** An integer that a double holds exactly. */
  bool isInteger() const;
};

/** The value of text, or nothing when it is not one well-formed JSON value (or nests too deep). */
std::optional<Json> parseJson(std::string_view text);

/** A JSON string literal for utf8, as JSON.stringify writes it. */
std::string jsonQuote(std::string_view utf8);

/** Whether bytes are well-formed UTF-8 (node decodes other bytes as U+FFFD: the caller leaves such text to it). */
bool validUtf8(std::string_view bytes);
