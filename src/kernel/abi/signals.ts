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
export const SIGURG = 23;
export const SIGWINCH = 28;

/** Signals whose default action is to do nothing. */
export const DEFAULT_IGNORED: ReadonlySet<number> = new Set([SIGCHLD, SIGCONT, SIGURG, SIGWINCH]);

/** si_code of kill(2) and of tkill/tgkill(2). */
export const SI_USER = 0;
export const SI_TKILL = -6;
/** si_code of a signal the kernel raises itself (a terminal's ^C, hang-up, SIGWINCH). */
export const SI_KERNEL = 0x80;

/** si_code of SIGCHLD (and waitid's siginfo). */
export const CLD_EXITED = 1;
export const CLD_KILLED = 2;
export const CLD_DUMPED = 3;
export const CLD_STOPPED = 5;
export const CLD_CONTINUED = 6;
