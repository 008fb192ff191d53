// The process a created container's pid file names (a fork of the front-end's create): it
// starts the sandbox process (node) as its child and stands for it before the engine's shim.
#pragma once

/**
 * Never returns. Starts the sandbox process (argv, exec'd through PATH) in a session of its own,
 * with readyFd as its fd 3 and a status pipe as its fd 4, and with this process's other fds
 * (the container's stdio) as they are; then puts /dev/null over its own stdio, passes on every
 * signal it gets that can be caught (the shim's and the user's SIGTERM, SIGINT, SIGHUP...), and
 * exits with the status the sandbox process writes on fd 4 just before its exit, as soon as it
 * reads it, or else as the sandbox process ended (its exit status, or its signal). The sandbox
 * process dies with this one (PR_SET_PDEATHSIG): killing the pid file's process kills the sandbox.
 */
[[noreturn]] void runKeeper(const char* const argv[], int readyFd);
