#include "runtime_log.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>

#include "json.h"

namespace {

/** Now as JavaScript's Date.prototype.toISOString: 2026-01-02T03:04:05.678Z. */
std::string isoNow() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  tm t{};
  gmtime_r(&ts.tv_sec, &t);
  char buf[64];
  snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec,
           ts.tv_nsec / 1000000);
  return buf;
}

}  // namespace

void RuntimeLog::write(const char* level, const std::string& msg) const {
  std::string time = isoNow();
  std::string line = json ? "{\"level\":" + jsonQuote(level) + ",\"msg\":" + jsonQuote(msg) + ",\"time\":" + jsonQuote(time) + "}\n"
                          : "time=\"" + time + "\" level=" + level + " msg=" + jsonQuote(msg) + "\n";
  // A log that cannot be written must not turn into another failure.
  int fd = file.empty() ? 2 : open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) return;
  ssize_t ignored = ::write(fd, line.data(), line.size());
  (void)ignored;
  if (fd != 2) close(fd);
}
