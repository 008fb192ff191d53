#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "../fd_passing.h"

std::optional<std::string> consoleForSocket(const std::string& socketPath, int& slave) {
  int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
    std::string why = std::string("cannot allocate a terminal: posix_openpt: ") + strerror(errno);
    if (master >= 0) close(master);
    return why;
  }
  char name[128];
  slave = -1;
  if (ptsname_r(master, name, sizeof name) == 0) slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) {
    std::string why = std::string("cannot allocate a terminal: opening the pty's slave: ") + strerror(errno);
    close(master);
    return why;
  }
  // Raw before the engine has the master: the host pty only carries bytes to the sandbox's
  // (the terminal bridge), so what the engine types early is not echoed by the host as well.
  termios settings{};
  if (tcgetattr(slave, &settings) == 0) {
    cfmakeraw(&settings);
    tcsetattr(slave, TCSANOW, &settings);
  }
  std::string why = sendFdToSocket(socketPath, master, name);
  close(master);
  if (why.empty()) return std::nullopt;
  close(slave);
  slave = -1;
  return "cannot send the terminal to the console socket " + socketPath + ": " + why;
}
