// Node timers measure from the event loop's cached time, which lags while the kernel runs
// stops synchronously, so a timer can fire before its deadline by the clock the kernel
// reads. A wake-up for a deadline therefore checks the clock and waits again if early.
// Deadlines are in monotonicMs(), fractional: Date.now()'s whole milliseconds would make a
// 2 ms timeout end after anything from 1 to 2 ms (Linux never ends one early).
//
// The run loop blocks in waitStop while threads run natively; it asks nextWakeIn() how long it
// may block, so that a sleeper's wake-up is not held back by a thread spinning in native code.

export interface WakeTimer {
  cancel(): void;
}

/**
 * The longest delay setTimeout takes (2^31 - 1 ms, about 24.8 days): Node turns a longer one
 * into 1 ms (with a warning), which would wake a sleep of years at once, and again and again.
 * A longer wait is armed in steps of this, each checking the clock as an early wake-up does.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Milliseconds of a monotonic clock, to the microsecond: the clock of the kernel's timeouts. */
export function monotonicMs(): number {
  return performance.now();
}

/** Pending wake-ups, as monotonicMs() deadlines. */
const pending = new Set<{ at: number }>();

/** Milliseconds until the earliest pending wake-up (Infinity: none). */
export function nextWakeIn(): number {
  // Asked before every wait for a stop: with no sleeper, no iterator and no clock read.
  if (pending.size === 0) return Infinity;
  let earliest = Infinity;
  for (const p of pending) if (p.at < earliest) earliest = p.at;
  return earliest - monotonicMs();
}

/** Calls fn once now() has reached deadline (both in ms of the same clock). */
export function wakeAt(deadline: number, fn: () => void, now: () => number = monotonicMs): WakeTimer {
  let handle: NodeJS.Timeout;
  const entry = { at: monotonicMs() + Math.max(0, deadline - now()) };
  pending.add(entry);
  const arm = () => {
    const left = deadline - now();
    if (left <= 0) {
      pending.delete(entry);
      fn();
    } else {
      entry.at = monotonicMs() + left;
      handle = setTimeout(arm, Math.min(MAX_TIMER_MS, Math.ceil(left)));
    }
  };
  handle = setTimeout(arm, Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(deadline - now()))));
  return {
    cancel: () => {
      pending.delete(entry);
      clearTimeout(handle);
    },
  };
}
