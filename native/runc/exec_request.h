// An exec's process file (runc exec --process: config.json's process object) as the control
// request src/oci/commands/exec.ts sends for it; checked as src/oci/bundle_config.ts's
// ProcessSpecSchema checks it, capabilities as src/oci/process_capabilities.ts maps them.
#pragma once

#include <optional>
#include <string>

#include "json.h"

/**
 * The exec request's JSON without stdioFrom and its closing brace (exec_waiter.cc adds them),
 * and whether the process has a terminal; nothing for a process object the schema refuses
 * (node's to word).
 */
std::optional<std::string> execRequestOf(const Json& spec, bool& terminal);
