/**
 * `-H` / `-X` (src/engine/request.ts): curl's syntax, the validation that
 * makes a bad value a one-line usage error, how options combine with a
 * target, and the Host header rules (a `-H 'Host: …'` is sent and routed on,
 * the connection still goes to the URL's host).
 */
import { describe, expect, it } from "vitest";
import {
  describeTarget,
  hostHeaderOf,
  matchHeadersOf,
  parseHeader,
  parseMethod,
  parseRequestOptions,
  reportTarget,
  requestFromRecord,
  routingHostOf,
  withRequest,
} from "../../src/engine/request.js";
import { parseTarget } from "../../src/engine/target.js";

describe("parsing -H as curl does", () => {
  it.each([
    ["a name and a value", "x-canary: true", { name: "x-canary", value: "true" }],
    ["no space after the colon", "Version:two", { name: "Version", value: "two" }],
    ["whitespace around the value trimmed", "  env :  canary  ", { name: "env", value: "canary" }],
    ["a colon inside the value kept", "Referer: http://a.example:8080/x", { name: "Referer", value: "http://a.example:8080/x" }],
    ["curl's Name; for an empty value", "X-Empty;", { name: "X-Empty", value: "" }],
  ])("reads %s", (_n, raw, want) => expect(parseHeader(raw)).toEqual(want));

  it.each([
    ["a value without a colon", "nocolon", /^invalid -H "nocolon": expected 'Name: value'/],
    ["an empty name", ": value", /the header name is empty/],
    ["a name with a space", "x canary: true", /is not a valid header name/],
    ["Name: with nothing after the colon", "X-Gone:", /no value after the colon/],
    ["a CR LF in the value", "x-a: b\r\nInjected: yes", /cannot hold CR, LF or NUL/],
    ["Content-Length", "Content-Length: 12", /netdoctor sets Content-Length itself/],
    ["curl's @FILE form", "@headers.txt", /does not read headers from a file/],
    ["Transfer-Encoding", "transfer-encoding: chunked", /sets transfer-encoding itself/],
  ])("refuses %s with one line", (_n, raw, message) => {
    expect(() => parseHeader(raw)).toThrow(message);
    try {
      parseHeader(raw);
    } catch (e) {
      expect((e as { code?: string }).code).toBe("NETDOCTOR_USAGE");
      expect((e as Error).message).not.toContain("\n");
    }
  });
});

describe("parsing -X", () => {
  it.each([
    ["POST", "POST"],
    ["post", "POST"],
    ["PATCH", "PATCH"],
    ["PROPFIND", "PROPFIND"],
  ])("takes %s as %s", (raw, want) => expect(parseMethod(raw)).toBe(want));

  it.each([["GE T"], [""], ["GET/"], ["CONNECT"]])("refuses %j as a usage error", (raw) => {
    expect(() => parseMethod(raw)).toThrow(/^invalid -X /);
  });

  it("refuses two Host headers", () => {
    expect(() => parseRequestOptions(["Host: a.example", "host: b.example"], undefined)).toThrow(/more than one Host header/);
  });
});

describe("a target with request options", () => {
  const target = parseTarget("http://bar.example.com:8080/get?animal=whale");

  it("stays a plain GET without -H and -X", () => {
    const t = withRequest(target, parseRequestOptions([], undefined));
    expect(t).toBe(target);
    expect(reportTarget(t)).toEqual({ url: "http://bar.example.com:8080/get?animal=whale", host: "bar.example.com", port: 8080, path: "/get?animal=whale" });
    expect(describeTarget(t)).toBe("http://bar.example.com:8080/get?animal=whale");
  });

  it("carries the method and headers into the report and its text", () => {
    const t = withRequest(target, parseRequestOptions(["env: canary", "X-Empty;"], "post"));
    expect(reportTarget(t)).toMatchObject({ method: "POST", headers: [{ name: "env", value: "canary" }, { name: "X-Empty", value: "" }] });
    expect(describeTarget(t)).toBe("http://bar.example.com:8080/get?animal=whale -X POST -H 'env: canary' -H 'X-Empty;'");
  });

  it("matches headers by lower-case name and the first value of a repeated name", () => {
    const t = withRequest(target, parseRequestOptions(["Version: one", "version: two", "Host: other.example"], undefined));
    expect(matchHeadersOf(t)).toEqual({ version: "one" });
  });

  it("sends the URL's host with its port as Host when -H gives none", () => {
    expect(hostHeaderOf(target)).toBe("bar.example.com:8080");
    expect(hostHeaderOf(parseTarget("http://bar.example.com/"))).toBe("bar.example.com");
    expect(hostHeaderOf(parseTarget("https://[::1]:8443/"))).toBe("[::1]:8443");
    expect(routingHostOf(target)).toBe("bar.example.com");
  });

  it("sends a -H Host as given and routes on its name, while the connection keeps the URL's host and port", () => {
    const t = withRequest(parseTarget("http://127.0.0.1:8080/"), parseRequestOptions(["Host: WWW.Example.com:8080"], undefined));
    expect(hostHeaderOf(t)).toBe("WWW.Example.com:8080");
    expect(routingHostOf(t)).toBe("www.example.com");
    expect([t.host, t.port]).toEqual(["127.0.0.1", 8080]);
  });

  it("lets later options replace the method and the Host, and append other headers", () => {
    const first = withRequest(target, parseRequestOptions(["Host: a.example", "env: canary"], "GET"));
    const t = withRequest(first, parseRequestOptions(["Host: b.example", "x-more: 1"], "DELETE"));
    expect(t.method).toBe("DELETE");
    expect(t.headers).toEqual([
      { name: "env", value: "canary" },
      { name: "Host", value: "b.example" },
      { name: "x-more", value: "1" },
    ]);
  });

  it("reads recorded options leniently, dropping what is malformed", () => {
    expect(requestFromRecord({ method: "PUT", headers: [{ name: "a", value: "1" }, { name: 3 }, "x: y"] })).toEqual({ method: "PUT", headers: [{ name: "a", value: "1" }] });
    expect(requestFromRecord({})).toEqual({ headers: [] });
  });
});
