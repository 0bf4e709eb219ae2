import { afterEach, describe, expect, it } from "vitest";
import { startTraffic, freePort, portIsFree, type Traffic } from "../../src/lab/traffic.js";
import type { TrafficEntry } from "../../src/lab/scenario.js";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root } from "../e2e/cli.js";
import { tcp } from "./helpers.js";

/** Whether this machine lets the test make a network namespace of its own and set its port range (root on Linux with util-linux and iproute2). */
const canUnshareNet = (() => {
  try {
    execFileSync("unshare", ["-n", "sh", "-c", "ip link set lo up && echo '40001 40001' > /proc/sys/net/ipv4/ip_local_port_range"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

const notFound = { status: 404, headers: { "content-type": "text/plain; charset=utf-8" }, body: "404 page not found\n" };
const entry = (port: number, mode: TrafficEntry["mode"], extra: Partial<TrafficEntry> = {}): TrafficEntry => ({ port, address: "127.0.0.1", mode, respond: [], default: notFound, ...extra });
const GET = (host: string, path = "/") => `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;

let traffic: Traffic | null = null;
afterEach(async () => {
  await traffic?.close();
  traffic = null;
});

describe("traffic", () => {
  it("answers http by Host (port and case ignored) and path prefix, first match wins", async () => {
    const port = await freePort();
    traffic = await startTraffic([
      entry(port, "http", {
        respond: [
          { host: "api.demo.localhost", path: "/healthz", status: 200, headers: { "content-type": "text/plain" }, body: "ok" },
          { host: "API.demo.localhost", status: 404, headers: { server: "envoy" }, body: "" },
          { host: "*.wild.localhost", status: 302, headers: { location: "/x" }, body: "" },
        ],
      }),
    ]);
    const ok = await tcp(port, GET("Api.Demo.Localhost:8080", "/healthz/live"));
    expect(ok.data).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(ok.data.endsWith("\r\n\r\nok")).toBe(true);
    const other = await tcp(port, GET("api.demo.localhost", "/v1/projects"));
    expect(other.data).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
    expect(other.data.toLowerCase()).toContain("server: envoy");
    expect((await tcp(port, GET("a.wild.localhost"))).data).toMatch(/^HTTP\/1\.1 302/);
    const dflt = await tcp(port, GET("unknown.localhost"));
    expect(dflt.data).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
    expect(dflt.data.endsWith("404 page not found\n")).toBe(true);
  });

  it("resets the connection in reset mode", async () => {
    const port = await freePort();
    traffic = await startTraffic([entry(port, "reset")]);
    const r = await tcp(port, GET("x"));
    expect(r.connected).toBe(true);
    expect(r.error).toBe("ECONNRESET");
  });

  it("reads the request and closes without a byte in empty-reply mode", async () => {
    const port = await freePort();
    traffic = await startTraffic([entry(port, "empty-reply")]);
    expect(await tcp(port, GET("x"))).toEqual({ connected: true, data: "" });
  });

  it("answers plaintext HTTP on a tls port as Go's TLS server does", async () => {
    const port = await freePort();
    traffic = await startTraffic([entry(port, "tls")]);
    expect((await tcp(port, GET("x"))).data).toBe("HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n");
  });

  it("refuses in refuse mode: nothing listens on the reserved port", async () => {
    const port = await freePort();
    traffic = await startTraffic([entry(port, "refuse")]);
    expect(await tcp(port)).toMatchObject({ connected: false, error: "ECONNREFUSED" });
    expect(traffic.probeMap()).toEqual({ [`127.0.0.1:${port}`]: `127.0.0.1:${port}` });
  });

  // A refused port is held by a socket connected to itself: a concurrent lab's freePort (listen on port 0)
  // is never given it (proved in a network namespace whose ephemeral range is that one port), yet it refuses.
  it.skipIf(!canUnshareNet)("keeps a refused port from every listen(0) on the machine while it runs", () => {
    const script = `
      import net from "node:net";
      import { startTraffic } from ${JSON.stringify(pathToFileURL(join(root, "dist/src/lab/traffic.js")).href)};
      const listen0 = () => new Promise((resolve) => { const s = net.createServer(); s.once("error", (e) => resolve(e.code)); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); }); });
      const before = await listen0();
      const t = await startTraffic([{ port: 40001, address: "127.0.0.1", mode: "refuse", respond: [], default: { status: 404, headers: {}, body: "" } }]);
      const held = await listen0();
      // (The one ephemeral port is the held one: a client names its own source port.)
      const refused = await new Promise((resolve) => net.connect({ host: "127.0.0.1", port: 40001, localPort: 50000 }).once("connect", () => resolve("connected")).once("error", (e) => resolve(e.code)));
      await t.close();
      const after = await listen0();
      console.log(JSON.stringify({ before, held, refused, after }));
      process.exit(0);`;
    const out = execFileSync("unshare", ["-n", "sh", "-c", 'ip link set lo up && echo "40001 40001" > /proc/sys/net/ipv4/ip_local_port_range && exec node --input-type=module -e "$0"', script], { encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({ before: 40001, held: "EADDRINUSE", refused: "ECONNREFUSED", after: 40001 });
  });

  it("switches a port between refused and served", async () => {
    const port = await freePort();
    traffic = await startTraffic([entry(port, "refuse")]);
    await traffic.update([entry(port, "http")]);
    expect((await tcp(port, GET("x"))).data).toContain("404 page not found");
    await traffic.update([entry(port, "refuse")]);
    expect(await tcp(port)).toMatchObject({ connected: false, error: "ECONNREFUSED" });
    // An entry the next set no longer names is refused too.
    await traffic.update([entry(port, "http")]);
    await traffic.update([]);
    expect(await tcp(port)).toMatchObject({ connected: false, error: "ECONNREFUSED" });
    await traffic.close();
    traffic = null;
    expect(await portIsFree(port)).toBe(true);
  });

  it("holds a hung connection open and ends it when stopped", async () => {
    const port = await freePort();
    const t = await startTraffic([entry(port, "hang")]);
    let connectedResolve!: () => void;
    const connected = new Promise<void>((r) => (connectedResolve = r));
    const outcome = new Promise<{ data: string }>((resolve) => {
      import("node:net").then((net) => {
        const s = net.connect(port, "127.0.0.1", () => {
          s.write(GET("x"));
          connectedResolve();
        });
        let data = "";
        s.on("data", (d) => (data += d));
        s.on("error", () => undefined);
        s.on("close", () => resolve({ data }));
      });
    });
    await connected;
    await t.close();
    expect(await outcome).toEqual({ data: "" });
    expect(await portIsFree(port)).toBe(true);
  });

  it("serves a non-loopback address on a loopback port and maps it in probeMap", async () => {
    traffic = await startTraffic([entry(30080, "http", { address: "172.19.0.2", default: { status: 503, headers: {}, body: "no healthy upstream" } })]);
    const served = traffic.probeMap()["172.19.0.2:30080"]!;
    expect(served).toMatch(/^127\.0\.0\.1:\d+$/);
    const r = await tcp(Number(served.split(":")[1]), GET("x"));
    expect(r.data).toMatch(/^HTTP\/1\.1 503 Service Unavailable/);
    expect(traffic.listeners()[0]!.bound.address).toBe("127.0.0.1");
  });
});
