/**
 * Per-run memoisation shared by the live sources: each key (a resource kind,
 * a container id) is fetched at most once per run and concurrent callers share
 * the request (DESIGN §6: "each source fetches a resource kind at most once
 * per run"). A read that timed out is forgotten so a later caller may retry.
 */
import type { SourceError } from "../types.js";

/** Settle with `p`, or reject with `aborted()` as soon as `signal` aborts (the shared request itself keeps running for other callers). */
export function raceSignal<T>(p: Promise<T>, signal: AbortSignal, aborted: () => SourceError): Promise<T> {
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
 * an aborted caller gets.
 */
export function memoiser(aborted: (key: string) => SourceError) {
  const memo = new Map<string, Promise<unknown>>();
  return function memoise<T>(key: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    let p = memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = fn().catch((err: unknown) => {
        if ((err as SourceError).code === "timeout") memo.delete(key);
        throw err;
      });
      memo.set(key, p);
    }
    return raceSignal(p, signal, () => aborted(key));
  };
}
