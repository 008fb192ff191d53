#include "console_socket.h"

#include "fd_passing.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <string>

Napi::Value OpenPty(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
    std::string why = std::string("posix_openpt: ") + strerror(errno);
    if (master >= 0) close(master);
    Napi::Error::New(env, why).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  char name[128];
  int slave = -1;
  if (ptsname_r(master, name, sizeof name) == 0) slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) {
    std::string why = std::string("opening the pty's slave: ") + strerror(errno);
    close(master);
    Napi::Error::New(env, why).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("master", master);
  out.Set("slave", slave);
  out.Set("path", std::string(name));
  return out;
}

Napi::Value SendFd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = info[0].As<Napi::String>().Utf8Value();
  int fd = info[1].As<Napi::Number>().Int32Value();
  std::string name = info[2].As<Napi::String>().Utf8Value();
  return Napi::String::New(env, sendFdToSocket(path, fd, name));
}
