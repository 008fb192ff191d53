// The shape of a subsystem's reducers: one function per event type it owns.
import type { EventOf, KernelEventType } from './events.js';
import type { KernelState } from './state.js';

export type Reducer<T extends KernelEventType> = (state: KernelState, event: EventOf<T>) => void;
export type ReducerTable<T extends KernelEventType> = { [K in T]: Reducer<K> };
