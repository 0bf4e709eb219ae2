/**
 * A throw-away self-signed serving certificate for the lab's API stand-in.
 *
 * Why TLS on loopback: kubectl (client-go) sends bearer tokens only over TLS
 * (kubernetes/kubectl#744; clientcmd sets the token "only for TLS
 * connections"), so an `http://` API stand-in could never check the token the
 * real kubectl holds. The certificate is generated in memory with
 * `node:crypto` (ECDSA P-256, X.509 v3, DER written by hand: RFC 5280), valid
 * for `127.0.0.1` and `localhost`, and is its own CA: the kubeconfig carries it
 * as `certificate-authority-data`.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, sign } from "node:crypto";

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}

const seq = (...c: Buffer[]): Buffer => tlv(0x30, ...c);

function oid(dotted: string): Buffer {
  const parts = dotted.split(".").map(Number);
  const out: number[] = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const enc: number[] = [p & 0x7f];
    for (let v = p >> 7; v > 0; v >>= 7) enc.unshift((v & 0x7f) | 0x80);
    out.push(...enc);
  }
  return tlv(0x06, Buffer.from(out));
}

function integer(bytes: Buffer): Buffer {
  let b = bytes;
  while (b.length > 1 && b[0] === 0 && b[1]! < 0x80) b = b.subarray(1);
  if (b[0]! >= 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

function time(d: Date): Buffer {
  const p = (n: number): string => String(n).padStart(2, "0");
  const s = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(s, "ascii"));
}

function name(cn: string): Buffer {
  return seq(tlv(0x31, seq(oid("2.5.4.3"), tlv(0x0c, Buffer.from(cn, "utf8")))));
}

function ext(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), tlv(0x04, value));
}

function pem(label: string, der: Buffer): string {
  const b64 = der.toString("base64").replace(/.{64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith("\n") ? "" : "\n"}-----END ${label}-----\n`;
}

/** A PEM key and certificate for 127.0.0.1/localhost, valid from an hour ago for 10 years. */
export interface ServingCert {
  key: string;
  cert: string;
}

/**
 * Generates a self-signed ECDSA P-256 certificate (its own CA) for
 * `127.0.0.1` and `localhost`. `purpose`: `serverAuth` for a serving
 * certificate; `clientAuth` for a client CA (OpenSSL refuses a client
 * certificate whose CA is restricted to serverAuth).
 */
export function selfSignedCert(commonName = "netdoctor-lab", purpose: "serverAuth" | "clientAuth" = "serverAuth"): ServingCert {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const alg = seq(oid("1.2.840.10045.4.3.2")); // ecdsa-with-SHA256
  const now = Date.now();
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))), // v3
    integer(randomBytes(16)),
    alg,
    name(commonName),
    seq(time(new Date(now - 3_600_000)), time(new Date(now + 10 * 365 * 86_400_000))),
    name(commonName),
    publicKey.export({ type: "spki", format: "der" }),
    tlv(
      0xa3,
      seq(
        ext("2.5.29.19", true, seq(tlv(0x01, Buffer.from([0xff])))), // basicConstraints CA:TRUE
        ext("2.5.29.15", true, tlv(0x03, Buffer.from([0x02, 0x84]))), // keyUsage digitalSignature, keyCertSign
        ext("2.5.29.37", false, seq(oid(purpose === "serverAuth" ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2"))), // extKeyUsage
        ext("2.5.29.17", false, seq(tlv(0x87, Buffer.from([127, 0, 0, 1])), tlv(0x82, Buffer.from("localhost", "ascii")))), // subjectAltName
      ),
    ),
  );
  const sig = sign("sha256", tbs, privateKey);
  const cert = seq(tbs, alg, tlv(0x03, Buffer.concat([Buffer.from([0]), sig])));
  return { key: privateKey.export({ type: "pkcs8", format: "pem" }) as string, cert: pem("CERTIFICATE", cert) };
}

/**
 * A client certificate (`extKeyUsage clientAuth`) for `commonName`, with
 * `organization` as O (Kubernetes reads CN as the user and O as groups),
 * signed by `ca` — from `selfSignedCert(caName, "clientAuth")`. What a
 * kubeconfig's `client-certificate-data` holds for k3d's admin user.
 */
export function clientCert(ca: ServingCert, commonName: string, organization?: string, caName = "netdoctor-lab"): ServingCert {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const alg = seq(oid("1.2.840.10045.4.3.2"));
  const now = Date.now();
  const subject = seq(
    ...(organization ? [tlv(0x31, seq(oid("2.5.4.10"), tlv(0x0c, Buffer.from(organization, "utf8"))))] : []),
    tlv(0x31, seq(oid("2.5.4.3"), tlv(0x0c, Buffer.from(commonName, "utf8")))),
  );
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(randomBytes(16)),
    alg,
    name(caName),
    seq(time(new Date(now - 3_600_000)), time(new Date(now + 365 * 86_400_000))),
    subject,
    publicKey.export({ type: "spki", format: "der" }),
    tlv(
      0xa3,
      seq(
        ext("2.5.29.19", true, seq()), // basicConstraints CA:FALSE
        ext("2.5.29.15", true, tlv(0x03, Buffer.from([0x07, 0x80]))), // keyUsage digitalSignature
        ext("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.2"))), // extKeyUsage clientAuth
      ),
    ),
  );
  const sig = sign("sha256", tbs, createPrivateKey(ca.key));
  const cert = seq(tbs, alg, tlv(0x03, Buffer.concat([Buffer.from([0]), sig])));
  return { key: privateKey.export({ type: "pkcs8", format: "pem" }) as string, cert: pem("CERTIFICATE", cert) };
}
