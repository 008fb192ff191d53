// --console-socket, as src/oci/console_socket.ts does it: a host pseudo-terminal whose master
// goes to the engine (SCM_RIGHTS over the unix socket it named, the terminal's name as the
// payload, as runc sends it) and whose slave is what the process gets as stdio.
#pragma once

#include <optional>
#include <string>

/** Allocates the terminal and hands its master over: slave is set (the caller's to close), or the error is returned, worded as node's. */
std::optional<std::string> consoleForSocket(const std::string& socketPath, int& slave);
