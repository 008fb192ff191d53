// A request on a sandbox's control socket, as src/sandbox/control_client.ts sends it: one JSON
// line (a ControlRequest of src/sandbox/control_protocol.ts), answered by JSON lines of which
// the last that is not 'progress' is the answer. The requests the front-end sends are built in
// front_end.cc; test/integration/oci_front_end.test.ts checks them against the protocol's schema.
#pragma once

#include <string>

struct ControlAnswer {
  enum class Outcome {
    /** Nothing was sent: no socket, or no one listening. */
    Unreachable,
    /** The connection closed without a final reply (error holds why, as node's client says it). */
    NoAnswer,
    Answered,
  };
  Outcome outcome = Outcome::Unreachable;
  /** The final reply's type ('done', 'error', ...) and message. */
  std::string type;
  std::string message;
  std::string error;
};

/** A connected socket to the sandbox's control socket (close-on-exec), or -1 with errno set. */
int connectControl(const std::string& socketPath);

ControlAnswer controlRequest(const std::string& socketPath, const std::string& requestJson);
