/**
 * Fault corpus, issue 14 §1: a memoised read whose callers all gave up (the
 * run's deadline) and that fails later is dropped, never an unhandled
 * rejection that ends the process after the report.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { memoiser, raceSignal } from "../../src/sources/live/memo.js";
import { SourceError } from "../../src/sources/types.js";

const aborted = (key: string) => new SourceError("timeout", "kube", key, `${key}: aborted: the run's deadline passed`);

let unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled = [];
  process.on("unhandledRejection", onUnhandled);
});
afterEach(() => {
  process.off("unhandledRejection", onUnhandled);
});

/** A promise the test rejects by hand, and an event that says it was settled. */
function lateFailure() {
  let fail!: (e: unknown) => void;
  const p = new Promise<string>((_, reject) => (fail = reject));
  return { p, fail };
}

/** Let the microtask queue and one macrotask turn run, so Node reports unhandled rejections. */
const turn = () => new Promise((r) => setImmediate(r));

describe("memoised reads at the deadline", () => {
  it("drops the late failure of a read started after the run's signal had already aborted", async () => {
    const memoise = memoiser(aborted);
    const late = lateFailure();
    const ctl = new AbortController();
    ctl.abort();
    await expect(memoise("services", ctl.signal, () => late.p)).rejects.toMatchObject({ code: "timeout" });
    late.fail(new SourceError("timeout", "kube", "services", "no answer"));
    await turn();
    await turn();
    expect(unhandled).toEqual([]);
  });

  it("drops the late failure of a read every caller stopped waiting for", async () => {
    const memoise = memoiser(aborted);
    const late = lateFailure();
    const ctl = new AbortController();
    const a = memoise("pods", ctl.signal, () => late.p);
    const b = memoise("pods", ctl.signal, () => late.p);
    ctl.abort();
    await expect(a).rejects.toMatchObject({ code: "timeout" });
    await expect(b).rejects.toMatchObject({ code: "timeout" });
    late.fail(new Error("socket hang up"));
    await turn();
    await turn();
    expect(unhandled).toEqual([]);
  });

  it("turns a read that throws before it starts into a rejection of its callers", async () => {
    const memoise = memoiser(aborted);
    const ctl = new AbortController();
    await expect(
      memoise("version", ctl.signal, () => {
        throw new SourceError("invalid-config", "kube", "kubeconfig", "bad kubeconfig");
      }),
    ).rejects.toMatchObject({ code: "invalid-config" });
  });

  it("drops the late failure of a raced request once its caller's signal aborted", async () => {
    const late = lateFailure();
    const ctl = new AbortController();
    const raced = raceSignal(late.p, ctl.signal, () => aborted("proxy"));
    ctl.abort();
    await expect(raced).rejects.toMatchObject({ code: "timeout" });
    late.fail(new Error("ECONNRESET"));
    await turn();
    await turn();
    expect(unhandled).toEqual([]);
  });
});
