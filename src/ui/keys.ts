/**
 * Every key the TUI takes, as the `?` help lists them (and the README's TUI
 * section). Plain data beside the handlers in ./App.tsx and
 * ./fix-controller.ts, which are the behaviour; a test checks that the help
 * shows each entry.
 */

/** One binding: the keys, what they do. */
export interface KeyBinding {
  keys: string;
  action: string;
}

/** Bindings in groups, in the order the help shows them. */
export interface KeyGroup {
  title: string;
  bindings: readonly KeyBinding[];
}

export const KEY_GROUPS: readonly KeyGroup[] = [
  {
    title: "Move",
    bindings: [
      { keys: "↑ k / ↓ j", action: "previous / next hop (the path under the cursor opens)" },
      { keys: "PgUp / PgDn", action: "a page of hops up / down" },
      { keys: "Home g / End G", action: "first / last hop" },
      { keys: "enter, space", action: "expand or collapse the hop's checks" },
    ],
  },
  {
    title: "Fix (after the run, on a path that offers fixes)",
    bindings: [
      { keys: "f", action: "show the fix's plan (or choose among the path's fixes)" },
      { keys: "↑↓ enter, 1-9", action: "choose a fix and show its plan" },
      { keys: "y / n, esc", action: "apply the plan / back, nothing changed" },
      { keys: "↑↓ PgUp PgDn", action: "scroll a plan or outcome taller than the screen" },
    ],
  },
  {
    title: "Other",
    bindings: [
      { keys: "?", action: "show or hide these keys (esc hides them too)" },
      { keys: "q, esc, Ctrl-C", action: "quit (while a fix applies: Ctrl-C twice)" },
    ],
  },
];
