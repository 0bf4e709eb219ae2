/**
 * The Docker Engine API's container archive format, read and written with
 * the `tar` library: `GET /containers/{id}/archive?path=P` answers a tar
 * stream holding P under its base name (a file `values.yaml`, or a directory
 * and everything under it), and the header `X-Docker-Container-Path-Stat`
 * carries P's stat as base64-encoded JSON `{"name","size","mode","mtime",
 * "linkTarget"}` (Engine API ContainerArchive / ContainerArchiveInfo; moby
 * api/types/container.PathStat, `mode` a Go os.FileMode). The live Docker
 * source reads with it, the lab's Docker stand-in writes with it.
 */
import { Header, Parser, type ReadEntry } from "tar";

/** The largest file `fileFromArchive` keeps, in bytes (1 MiB): the files netdoctor reads are a few hundred bytes. */
export const ARCHIVE_FILE_MAX_BYTES = 1024 * 1024;

/** Header of the path's stat in a `GET|HEAD /containers/{id}/archive` answer. */
export const PATH_STAT_HEADER = "X-Docker-Container-Path-Stat";

/** What `fileFromArchive` found. */
export type ArchiveFile =
  | { kind: "file"; name: string; content: Buffer }
  /** The first entry is not a regular file (a directory, a symlink) or is larger than `ARCHIVE_FILE_MAX_BYTES`; `type` is tar's entry type or `too-large`. */
  | { kind: "other"; name: string; type: string }
  /** The archive holds no entry at all. */
  | { kind: "empty" };

/**
 * The first entry of a container archive: its content when it is a regular
 * file of at most `ARCHIVE_FILE_MAX_BYTES`. Rejects when the bytes are not a
 * tar archive (tar's parser reports the error).
 */
export function fileFromArchive(archive: Buffer): Promise<ArchiveFile> {
  return new Promise((resolve, reject) => {
    let first: ArchiveFile | null = null;
    const chunks: Buffer[] = [];
    const parser = new Parser({
      strict: true,
      onReadEntry(entry: ReadEntry) {
        if (first) return void entry.resume();
        const name = entry.path.replace(/\/$/, "");
        if (entry.type !== "File" && entry.type !== "OldFile") {
          first = { kind: "other", name, type: entry.type };
          return void entry.resume();
        }
        if (entry.size > ARCHIVE_FILE_MAX_BYTES) {
          first = { kind: "other", name, type: "too-large" };
          return void entry.resume();
        }
        first = { kind: "file", name, content: Buffer.alloc(0) };
        entry.on("data", (d: Buffer) => chunks.push(d));
      },
    });
    parser.on("error", reject);
    parser.on("abort", reject);
    parser.on("end", () => {
      const f = first as ArchiveFile | null;
      if (!f) return resolve({ kind: "empty" });
      resolve(f.kind === "file" ? { ...f, content: Buffer.concat(chunks) } : f);
    });
    parser.end(archive);
  });
}

/**
 * The archive the Engine answers for one regular file: one ustar entry named
 * `name` (the base name of the requested path) with the content padded to
 * 512-byte blocks, then the two zero blocks that end a tar archive.
 */
export function archiveOfFile(name: string, content: Buffer, mode: number, mtime: Date): Buffer {
  const header = new Header({ path: name, mode, size: content.length, mtime, type: "File", uid: 0, gid: 0, uname: "root", gname: "root" });
  const block = Buffer.alloc(512);
  header.encode(block, 0);
  const pad = (512 - (content.length % 512)) % 512;
  return Buffer.concat([block, content, Buffer.alloc(pad), Buffer.alloc(1024)]);
}

/** The `X-Docker-Container-Path-Stat` value of a regular file: base64 of `{"name","size","mode","mtime","linkTarget"}` (permission bits as the FileMode). */
export function pathStatHeader(name: string, size: number, mode: number, mtime: Date): string {
  return Buffer.from(JSON.stringify({ name, size, mode, mtime: mtime.toISOString(), linkTarget: "" })).toString("base64");
}
