/**
 * makeTempDir registers its removal before the directory exists: a signal
 * that libuv delivers in the same loop turn as mkdtemp's completion (before
 * the code after `await` runs) still finds the cleanup, which waits for the
 * creation and removes the directory. CI once saw a lab dir left behind on
 * SIGHUP with "cleaning up: nothing" — the cleanup had not been registered yet.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeTempDir, runCleanups } from "../../src/lifecycle.js";

describe("a temp dir from makeTempDir", () => {
  it("is removed by the exit cleanups even when they run before mkdtemp completed", async () => {
    const pending = makeTempDir("netdoctor-test-tmp-", "a test dir");
    // The cleanups run now, while mkdtemp is still in libuv's thread pool.
    const cleaned = runCleanups();
    const dir = await pending;
    await cleaned;
    expect(existsSync(dir.path)).toBe(false);
  });

  it("removes its files on remove() and leaves nothing for the exit cleanups", async () => {
    const dir = await makeTempDir("netdoctor-test-tmp-", "a test dir");
    writeFileSync(join(dir.path, "kubeconfig"), "x");
    await dir.remove();
    expect(existsSync(dir.path)).toBe(false);
    await dir.remove();
    const other = await makeTempDir("netdoctor-test-tmp-", "another test dir");
    other.forget();
    // Only what is still registered is removed: the forgotten dir stays, its owner removes it.
    await runCleanups();
    expect(existsSync(other.path)).toBe(true);
    await other.remove();
    expect(existsSync(other.path)).toBe(false);
  });
});
