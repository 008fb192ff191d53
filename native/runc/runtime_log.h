// runc's log as the node runtime writes it (src/oci/oci_log.ts): --log FILE (default stderr),
// --log-format text|json; one line per message.
#pragma once

#include <string>

struct RuntimeLog {
  std::string file;  // empty: stderr
  bool json = false;
  bool debug = false;

  void write(const char* level, const std::string& msg) const;
  void error(const std::string& msg) const { write("error", msg); }
  void debugLine(const std::string& msg) const {
    if (debug) write("debug", msg);
  }
};
