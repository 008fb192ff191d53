// Signal dispositions (the host holds masks and pending signals; see DESIGN.md).
import type { ReducerTable } from '../reducer_types.js';
import { processOf } from '../task/reducer.js';

export const signalReducers: ReducerTable<'SignalActionSet'> = {
  SignalActionSet(state, e) {
    processOf(state, e.pid).sigactions.set(e.signal, { ...e.action });
  },
};
