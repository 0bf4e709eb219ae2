/**
 * Per-run memoisation shared by the live sources: each key (a resource kind,
 * a container id) is fetched at most once per run and concurrent callers share
 * the request (DESIGN §6: "each source fetches a resource kind at most once
 * per run"). A read that timed out is forgotten so a later caller may retry,
 * unless the source says to keep it (`keep`: a Docker daemon that did not
 * answer within its per-request timeout would cost that time again).
 *
 * A late answer is dropped, never thrown unobserved: a caller whose signal
 * aborted gets its own `timeout` SourceError at once, and the shared request's
 * eventual rejection (a timeout, a reset) is observed here whether or not any
 * caller is still waiting for it — an unobserved rejection would end the
 * process (Node's default `--unhandled-rejections=throw`) after the report.
 */
import type { SourceError } from "../types.js";

/** Mark `p` as observed: its rejection, if it comes after everyone stopped waiting, is dropped. Returns `p`. */
export function observed<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/** Settle with `p`, or reject with `aborted()` as soon as `signal` aborts (the shared request itself keeps running for other callers; its late answer is dropped). */
export function raceSignal<T>(p: Promise<T>, signal: AbortSignal, aborted: () => SourceError): Promise<T> {
  observed(p);
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * A memoiser: `memoise(key, signal, fn)` runs `fn` once per key and races
 * every caller against its own signal. `aborted(key)` builds the SourceError
 * an aborted caller gets; `opts.keep(err)` says a `timeout` rejection stays
 * memoised (default: every timeout is forgotten).
 */
export function memoiser(aborted: (key: string) => SourceError, opts: { keep?: (err: unknown) => boolean } = {}) {
  const memo = new Map<string, Promise<unknown>>();
  return function memoise<T>(key: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    let p = memo.get(key) as Promise<T> | undefined;
    if (!p) {
      // `fn` may throw synchronously: that is a rejection of this key like any other.
      let started: Promise<T>;
      try {
        started = fn();
      } catch (err) {
        started = Promise.reject(err);
      }
      p = observed(
        started.catch((err: unknown) => {
          if ((err as SourceError).code === "timeout" && !opts.keep?.(err)) memo.delete(key);
          throw err;
        }),
      );
      memo.set(key, p);
    }
    return raceSignal(p, signal, () => aborted(key));
  };
}
