/**
 * What a killed process leaves on local disk, and how the next one cleans it up.
 *
 * Every temporary file and lock file this process creates is noted in a journal
 * of its own, `<tmpdir>/lazyscribe-local-journal/<pid>-<random>.log`, before it is
 * created. A process SIGKILLed mid-write leaves its journal behind; any later
 * process of this host that writes (one sweep at a time) finds journals whose
 * process is gone and removes the temporary files they name, and the lock files
 * still held by that process, then the journal. A journal costs one appended line
 * per write; it is rewritten with only the files still in flight once it grows long,
 * and removed when the process exits normally.
 */
import { randomBytes } from "node:crypto";
import { unlinkSync } from "node:fs";
import { type FileHandle, mkdir, open, readdir, readFile, rm, unlink } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { basename, join } from "node:path";

/** Marks the name of every temporary file; such files are never read as data. */
export const TEMP_MARK = ".lazyscribe-tmp-";
/** Suffix of the lock file beside a key. */
export const LOCK_SUFFIX = ".lazyscribe-lock";
/** This host's name, recorded in lock files. */
export const HOST = hostname();

const JOURNAL_DIR = join(tmpdir(), "lazyscribe-local-journal");
const ROTATE_AFTER = 1_000;

/** True unless the process is known to be gone (`kill(pid, 0)` says ESRCH). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** The owner recorded in a lock file, or `undefined` when the text is not one. */
export function parseLockOwner(text: string): { pid: number; host: string; token: string } | undefined {
  try {
    const owner = JSON.parse(text) as { pid?: unknown; host?: unknown; token?: unknown };
    if (typeof owner.pid === "number" && typeof owner.host === "string" && typeof owner.token === "string")
      return { pid: owner.pid, host: owner.host, token: owner.token };
  } catch {
    // not a lock written by this backend
  }
  return undefined;
}

class Journal {
  #handle: Promise<FileHandle | undefined> | undefined;
  #path = "";
  #lines = 0;
  readonly #inFlight = new Set<string>();
  #sweeping: Promise<void> | undefined;
  #rotating: Promise<void> | undefined;
  #exitHook = false;

  /** Notes `path` (a temp file, or `lock:<path>`) before it is created. Best effort: a failing journal only means no cleanup. */
  async track(entry: string): Promise<void> {
    this.#inFlight.add(entry);
    const handle = await this.#open();
    if (!handle) return;
    try {
      if (++this.#lines > ROTATE_AFTER) {
        // One rotation at a time: concurrent ones would replace each other's new handle, leaving
        // one open with nobody to close it (Node 26 makes a FileHandle closed by GC an error).
        this.#rotating ??= this.#rotate().finally(() => (this.#rotating = undefined));
        await this.#rotating;
        // The new journal may have been started before this entry was noted: note it there too.
        await (await this.#open())?.write(entry + "\n");
      } else await handle.write(entry + "\n");
    } catch {
      // the journal is an aid to cleanup, never a reason for a write to fail
    }
  }

  /** `entry` no longer exists (renamed into place, or removed). */
  untrack(entry: string): void {
    this.#inFlight.delete(entry);
  }

  /**
   * Removes what processes gone from this host left behind (one listing of the journal
   * folder and a liveness check per journal: cheap enough for every write). Lock files go
   * through `clearLock`, which takes them only while a dead process holds them.
   */
  sweep(clearLock: (lockPath: string) => Promise<void>): Promise<void> {
    this.#sweeping ??= this.#sweep(clearLock).finally(() => (this.#sweeping = undefined));
    return this.#sweeping;
  }

  async #sweep(clearLock: (lockPath: string) => Promise<void>): Promise<void> {
    let names: string[];
    try {
      names = await readdir(JOURNAL_DIR);
    } catch {
      return;
    }
    for (const name of names) {
      const m = /^(\d+)-[0-9a-f]+\.log$/.exec(name);
      if (!m || Number(m[1]) === process.pid || isAlive(Number(m[1]))) continue;
      const journal = join(JOURNAL_DIR, name);
      try {
        const lines = (await readFile(journal, "utf8")).split("\n").filter(Boolean);
        for (const line of lines) {
          if (line.startsWith("lock:")) await clearLock(line.slice(5));
          else if (basename(line).startsWith(TEMP_MARK)) await rm(line, { force: true });
        }
        await unlink(journal);
      } catch {
        // another process swept it first, or it is unreadable: leave it
      }
    }
  }

  #open(): Promise<FileHandle | undefined> {
    this.#handle ??= (async () => {
      try {
        await mkdir(JOURNAL_DIR, { recursive: true });
        this.#path = join(JOURNAL_DIR, `${process.pid}-${randomBytes(4).toString("hex")}.log`);
        const handle = await open(this.#path, "a");
        // A process that ends normally leaves nothing to sweep.
        if (!this.#exitHook) {
          this.#exitHook = true;
          process.once("exit", () => {
            try {
              unlinkSync(this.#path);
            } catch {
              // already gone
            }
          });
        }
        return handle;
      } catch {
        return undefined;
      }
    })();
    return this.#handle;
  }

  async #rotate(): Promise<void> {
    const old = this.#path;
    const oldHandle = await this.#handle;
    this.#handle = undefined;
    const handle = await this.#open();
    this.#lines = this.#inFlight.size;
    if (handle && this.#inFlight.size > 0) await handle.write([...this.#inFlight].join("\n") + "\n");
    await oldHandle?.close();
    if (handle) await rm(old, { force: true });
  }
}

/** The journal of this process, shared by every local store in it. */
export const journal = new Journal();
