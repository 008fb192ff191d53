// The state of tsvisor's own terminal as the sandbox sees it: its foreground process group.
import type { ReducerTable } from '../reducer_types.js';

export const consoleReducers: ReducerTable<'ConsoleForegroundSet'> = {
  ConsoleForegroundSet(state, e) {
    state.consolePgrp = e.pgrp;
  },
};
