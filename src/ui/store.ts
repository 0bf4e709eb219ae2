/**
 * A tiny external store around {@link reduce}: the TUI subscribes to the run
 * before React mounts (so no event is lost), and components read it with
 * `useSyncExternalStore`.
 */
import { initialState, reduce, type Action, type UiState } from "./state.js";

/** The store: current state, dispatch of events and key actions, change subscription. */
export interface RunStore {
  getState(): UiState;
  dispatch(action: Action): void;
  /** Calls `onChange` after every state change; returns the unsubscribe function. */
  subscribe(onChange: () => void): () => void;
}

/** A store starting from `state` (default: the empty initial state). */
export function createRunStore(state: UiState = initialState): RunStore {
  let current = state;
  const listeners = new Set<() => void>();
  return {
    getState: () => current,
    dispatch(action) {
      const next = reduce(current, action);
      if (next === current) return;
      current = next;
      for (const l of [...listeners]) l();
    },
    subscribe(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
  };
}
