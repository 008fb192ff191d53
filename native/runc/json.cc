#include "json.h"

#include <cmath>
#include <cstdlib>

namespace {

constexpr int kMaxDepth = 64;

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  std::optional<Json> document() {
    std::optional<Json> v = value(0);
    skipSpace();
    if (!v || i_ != s_.size()) return std::nullopt;
    return v;
  }

 private:
  std::string_view s_;
  size_t i_ = 0;

  void skipSpace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) i_++;
  }

  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  std::optional<Json> value(int depth) {
    if (depth > kMaxDepth) return std::nullopt;
    skipSpace();
    if (i_ >= s_.size()) return std::nullopt;
    Json v;
    char c = s_[i_];
    if (c == '{') return object(depth);
    if (c == '[') return array(depth);
    if (c == '"') {
      std::optional<std::string> str = string();
      if (!str) return std::nullopt;
      v.kind = Json::Kind::String;
      v.text = std::move(*str);
      return v;
    }
    if (literal("true") || literal("false")) {
      v.kind = Json::Kind::Bool;
      v.boolean = s_[i_ - 4] == 't';  // "true" (whose first letter is 4 back) or "false"
      return v;
    }
    if (literal("null")) return v;
    return number();
  }

  std::optional<Json> number() {
    size_t start = i_;
    if (i_ < s_.size() && s_[i_] == '-') i_++;
    if (i_ >= s_.size() || s_[i_] < '0' || s_[i_] > '9') return std::nullopt;
    if (s_[i_] == '0') i_++;
    else while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') i_++;
    if (i_ < s_.size() && s_[i_] == '.') {
      i_++;
      size_t digits = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') i_++;
      if (i_ == digits) return std::nullopt;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      i_++;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) i_++;
      size_t digits = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') i_++;
      if (i_ == digits) return std::nullopt;
    }
    Json v;
    v.kind = Json::Kind::Number;
    v.number = std::strtod(std::string(s_.substr(start, i_ - start)).c_str(), nullptr);
    return v;
  }

  static void appendUtf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }

  std::optional<unsigned> hex4() {
    if (i_ + 4 > s_.size()) return std::nullopt;
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
      char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else return std::nullopt;
    }
    return v;
  }

  // A lone surrogate has no UTF-8 form: such a string is refused (the caller leaves the
  // command to the node runtime, which keeps it as JavaScript does).
  std::optional<std::string> string() {
    std::string out;
    i_++;
    while (i_ < s_.size()) {
      char c = s_[i_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) return std::nullopt;
      char e = s_[i_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          std::optional<unsigned> cp = hex4();
          if (!cp) return std::nullopt;
          if (*cp >= 0xdc00 && *cp <= 0xdfff) return std::nullopt;
          if (*cp >= 0xd800 && *cp <= 0xdbff) {
            if (!literal("\\u")) return std::nullopt;
            std::optional<unsigned> low = hex4();
            if (!low || *low < 0xdc00 || *low > 0xdfff) return std::nullopt;
            *cp = 0x10000 + ((*cp - 0xd800) << 10) + (*low - 0xdc00);
          }
          appendUtf8(out, *cp);
          break;
        }
        default:
          return std::nullopt;
      }
    }
    return std::nullopt;
  }

  std::optional<Json> array(int depth) {
    Json v;
    v.kind = Json::Kind::Array;
    i_++;
    skipSpace();
    if (i_ < s_.size() && s_[i_] == ']') {
      i_++;
      return v;
    }
    for (;;) {
      std::optional<Json> item = value(depth + 1);
      if (!item) return std::nullopt;
      v.items.push_back(std::move(*item));
      skipSpace();
      if (i_ >= s_.size()) return std::nullopt;
      char c = s_[i_++];
      if (c == ']') return v;
      if (c != ',') return std::nullopt;
    }
  }

  std::optional<Json> object(int depth) {
    Json v;
    v.kind = Json::Kind::Object;
    i_++;
    skipSpace();
    if (i_ < s_.size() && s_[i_] == '}') {
      i_++;
      return v;
    }
    for (;;) {
      skipSpace();
      if (i_ >= s_.size() || s_[i_] != '"') return std::nullopt;
      std::optional<std::string> key = string();
      if (!key) return std::nullopt;
      skipSpace();
      if (i_ >= s_.size() || s_[i_++] != ':') return std::nullopt;
      std::optional<Json> member = value(depth + 1);
      if (!member) return std::nullopt;
      // A repeated key: JSON.parse keeps the last value, in the first one's place.
      bool replaced = false;
      for (auto& [k, m] : v.members) {
        if (k == *key) {
          m = std::move(*member);
          replaced = true;
          break;
        }
      }
      if (!replaced) v.members.emplace_back(std::move(*key), std::move(*member));
      skipSpace();
      if (i_ >= s_.size()) return std::nullopt;
      char c = s_[i_++];
      if (c == '}') return v;
      if (c != ',') return std::nullopt;
    }
  }
};

}  // namespace

const Json* Json::get(std::string_view key) const {
  for (const auto& [k, v] : members)
    if (k == key) return &v;
  return nullptr;
}

bool Json::isInteger() const {
  return kind == Kind::Number && std::isfinite(number) && std::floor(number) == number && std::fabs(number) < 9007199254740992.0;
}

std::optional<Json> parseJson(std::string_view text) {
  return Parser(text).document();
}

std::string jsonQuote(std::string_view utf8) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : utf8) {
    unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 15];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

bool validUtf8(std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + len > bytes.size()) return false;
    unsigned cp = len == 1 ? c : c & (0xff >> (len + 1));
    for (size_t k = 1; k < len; k++) {
      unsigned char cc = static_cast<unsigned char>(bytes[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
    static const unsigned kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return false;
    i += len;
  }
  return true;
}
