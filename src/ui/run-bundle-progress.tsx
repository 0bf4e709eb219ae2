/**
 * Entry point of the bundle progress view, loaded with `await import()` only
 * when stderr is a terminal (Ink and React are never loaded in CI or --json).
 */
import { render } from "ink";
import { BundleProgress, createBundleProgressStore } from "./BundleProgress.js";
import { ColorContext } from "./theme.js";

/** Render on `stderr`; returns the progress callback and `done()`, which leaves the final frame and unmounts. */
export function startBundleProgress(opts: { stderr?: NodeJS.WriteStream; color?: boolean } = {}): { progress: (line: string) => void; done: () => Promise<void> } {
  const store = createBundleProgressStore();
  const instance = render(
    <ColorContext.Provider value={opts.color ?? true}>
      <BundleProgress store={store} />
    </ColorContext.Provider>,
    { stdout: opts.stderr ?? process.stderr, patchConsole: false, exitOnCtrlC: false },
  );
  return {
    progress: store.push,
    async done() {
      store.finish();
      // Let Ink commit the final frame before unmounting.
      await new Promise((r) => setTimeout(r, 20));
      instance.unmount();
      await instance.waitUntilExit();
    },
  };
}
