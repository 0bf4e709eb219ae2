/** Test helpers for the lab suites: HTTPS requests to the API stand-in, CLI runs, raw sockets. */
import https from "node:https";
import net from "node:net";
import path from "node:path";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ApiServer } from "../../src/lab/api-server.js";

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
export const DEMO = path.join(FIXTURES, "k3d-demo");

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** One request to the API stand-in over HTTPS, trusting its CA; `token: null` sends no Authorization. */
export function kube(api: ApiServer, method: string, p: string, opts: { body?: unknown; contentType?: string; accept?: string; token?: string | null } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    const headers: Record<string, string> = { accept: opts.accept ?? "application/json" };
    const token = opts.token === undefined ? api.token : opts.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = opts.contentType ?? "application/json";
    const req = https.request(`${api.url}${p}`, { method, headers, ca: api.ca, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => {
        let json: unknown = undefined;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Runs a CLI without blocking the event loop (the stand-ins live in this process). */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: 30_000, encoding: "utf8" }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === "number" ? ((err as { code: number }).code) : 1) : 0, stdout, stderr });
    });
  });
}

/** Outcome of connecting to a TCP port and optionally sending `send`: what came back and how it ended. */
export function tcp(port: number, send?: string, host = "127.0.0.1"): Promise<{ connected: boolean; error?: string; data: string }> {
  return new Promise((resolve) => {
    const s = net.connect(port, host);
    let connected = false;
    let data = "";
    s.on("connect", () => {
      connected = true;
      if (send !== undefined) s.write(send);
    });
    s.on("data", (d) => (data += d.toString("latin1")));
    s.on("error", (e: NodeJS.ErrnoException) => resolve({ connected, error: e.code ?? e.message, data }));
    s.on("close", () => resolve({ connected, data }));
  });
}
