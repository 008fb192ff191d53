// Linux signal numbers and siginfo codes the kernel itself uses (x86-64).
export const SIGHUP = 1;
export const SIGINT = 2;
export const SIGQUIT = 3;
export const SIGPIPE = 13;
export const SIGTERM = 15;
export const SIGCHLD = 17;
export const SIGCONT = 18;
export const SIGSTOP = 19;
export const SIGTSTP = 20;
export const SIGTTIN = 21;
export const SIGTTOU = 22;
export const SIGXFSZ = 25;
export const SIGURG = 23;
export const SIGWINCH = 28;
/** SIGIO (SIGPOLL): what an O_ASYNC file's owner gets, unless F_SETSIG names another signal. */
export const SIGIO = 29;

/** Signals whose default action is to do nothing. */
export const DEFAULT_IGNORED: ReadonlySet<number> = new Set([SIGCHLD, SIGCONT, SIGURG, SIGWINCH]);

/** si_code of kill(2) and of tkill/tgkill(2). */
export const SI_USER = 0;
export const SI_TKILL = -6;
/** si_code of a signal the kernel raises itself (a terminal's ^C, hang-up, SIGWINCH). */
export const SI_KERNEL = 0x80;

/** si_code of a signal F_SETSIG names, when that signal has codes of its own (SIGSEGV...). */
export const SI_SIGIO = -5;
/** si_code of SIGIO (the POLL_* reasons), and the si_band each gives (Linux's band_table). */
export const POLL_IN = 1;
export const POLL_OUT = 2;
export const POLL_MSG = 3;
export const POLL_PRI = 5;
export const POLL_BANDS: Readonly<Record<number, number>> = {
  1: 0x41, // POLLIN | POLLRDNORM
  2: 0x304, // POLLOUT | POLLWRNORM | POLLWRBAND
  3: 0x441, // POLLIN | POLLRDNORM | POLLMSG
  4: 0x8, // POLLERR
  5: 0x82, // POLLPRI | POLLRDBAND
  6: 0x18, // POLLHUP | POLLERR
};

/** si_code of SIGCHLD (and waitid's siginfo). */
export const CLD_EXITED = 1;
export const CLD_KILLED = 2;
export const CLD_DUMPED = 3;
export const CLD_TRAPPED = 4;
export const CLD_STOPPED = 5;
export const CLD_CONTINUED = 6;
