// The process that stands for an exec'd process on the host, as src/oci/exec_waiter.ts is for
// the node runtime (runc exec's pid file names it): it asks the sandbox to start the process
// with its own stdio (stdioFrom: its pid), passes on the signals it gets, and exits with the
// process's status. The front-end forks it for `exec --detach` (no node start-up, no exec).
#pragma once

#include <functional>
#include <optional>
#include <string>

/**
 * Runs the waiter in this process on a connected control socket. request is the exec request's
 * JSON without its closing brace (stdioFrom is added). ready is called once: with nothing when
 * the process runs, or with the error (and the exit code node's OciError gives it) when it could
 * not be started. Returns the waiter's exit status.
 */
int runExecWaiter(int sock, const std::string& socketPath, const std::string& request, bool terminal,
                  const std::function<void(const std::optional<std::string>& error, int exitCode)>& ready);
