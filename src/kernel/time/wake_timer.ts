// Node timers measure from the event loop's cached time, which lags while the kernel runs
// stops synchronously, so a timer can fire before its deadline by the clock the kernel
// reads. A wake-up for a deadline therefore checks the clock and waits again if early.

export interface WakeTimer {
  cancel(): void;
}

/** Calls fn once now() has reached deadline (both in ms of the same clock). */
export function wakeAt(deadline: number, fn: () => void, now: () => number = Date.now): WakeTimer {
  let handle: NodeJS.Timeout;
  const arm = () => {
    const left = deadline - now();
    if (left <= 0) fn();
    else handle = setTimeout(arm, Math.ceil(left));
  };
  handle = setTimeout(arm, Math.max(0, Math.ceil(deadline - now())));
  return { cancel: () => clearTimeout(handle) };
}
