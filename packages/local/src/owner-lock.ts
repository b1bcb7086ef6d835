/**
 * The lock beside a key that serialises "only if version X" writes across processes.
 *
 * The lock is a file naming its owner (pid, host, a random token), created with
 * `link()`, which fails when the file exists: an atomic create-if-absent. A waiter
 * that finds the lock held by a process of this host that no longer exists takes
 * it over at once, so a writer SIGKILLed inside the lock costs the next one nothing.
 * (proper-lockfile, used before, can only judge a lock by its age: the next writer
 * waited out its 10 s staleness.) Locks of other hosts, and the lock folders of
 * earlier versions, are taken over once older than `staleMs`.
 *
 * Taking over is a rename to a private name followed by a check that the moved file
 * is the one judged abandoned; if a live owner's lock was moved instead (two waiters
 * raced), it is put back.
 */
import { randomBytes } from "node:crypto";
import { link, readFile, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { HOST, isAlive, journal, parseLockOwner, TEMP_MARK } from "./leftovers.js";

/** How a lock is waited for. */
export interface LockOptions {
  /** Give up after this long; the error is the caller's. */
  timeoutMs: number;
  /** Age after which a lock whose owner cannot be checked is taken over. @default 10000 */
  staleMs?: number;
}

/** Thrown when the lock stayed held by a live owner for `timeoutMs`. */
export class LockTimeoutError extends Error {
  override name = "LockTimeoutError";
}

type Holder = { kind: "gone" } | { kind: "file"; text: string; mtimeMs: number } | { kind: "folder"; mtimeMs: number };

async function inspect(lockPath: string): Promise<Holder> {
  try {
    const info = await stat(lockPath);
    if (info.isDirectory()) return { kind: "folder", mtimeMs: info.mtimeMs };
    return { kind: "file", text: await readFile(lockPath, "utf8"), mtimeMs: info.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { kind: "gone" };
    throw err;
  }
}

function abandoned(holder: Holder, staleMs: number): boolean {
  if (holder.kind === "gone") return false;
  if (holder.kind === "file") {
    const owner = parseLockOwner(holder.text);
    if (owner && owner.host === HOST) return !isAlive(owner.pid);
  }
  return Date.now() - holder.mtimeMs > staleMs;
}

function privateName(lockPath: string, what: string): string {
  return join(dirname(lockPath), `${TEMP_MARK}${what}.${process.pid}.${randomBytes(6).toString("hex")}`);
}

async function takeOver(lockPath: string, holder: Holder): Promise<void> {
  if (holder.kind === "folder") {
    await rm(lockPath, { recursive: true, force: true });
    return;
  }
  if (holder.kind !== "file") return;
  const moved = privateName(lockPath, "stale-lock");
  await journal.track(moved);
  try {
    try {
      await rename(lockPath, moved);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return; // someone else took it over first
      throw err;
    }
    const text = await readFile(moved, "utf8").catch(() => "");
    if (text !== holder.text) await link(moved, lockPath).catch(() => undefined); // a live lock: put it back
    await rm(moved, { force: true });
  } finally {
    journal.untrack(moved);
  }
}

/** Removes the lock at `lockPath` only when a dead process of this host holds it. */
export async function clearAbandonedLock(lockPath: string): Promise<void> {
  try {
    const holder = await inspect(lockPath);
    if (holder.kind === "file" && abandoned(holder, Infinity)) await takeOver(lockPath, holder);
  } catch {
    // best effort
  }
}

/** Takes the lock; resolves to its release. */
export async function acquireLock(lockPath: string, options: LockOptions): Promise<() => Promise<void>> {
  const staleMs = options.staleMs ?? 10_000;
  const deadline = Date.now() + options.timeoutMs;
  const token = randomBytes(9).toString("hex");
  const text = JSON.stringify({ pid: process.pid, host: HOST, token });
  const candidate = privateName(lockPath, "lock");
  await journal.track(candidate);
  await journal.track(`lock:${lockPath}`);
  await writeFile(candidate, text);
  try {
    for (;;) {
      try {
        await link(candidate, lockPath);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const holder = await inspect(lockPath);
      if (holder.kind === "gone") continue;
      if (abandoned(holder, staleMs)) {
        await takeOver(lockPath, holder);
        continue;
      }
      if (Date.now() > deadline) throw new LockTimeoutError(`${lockPath} stayed locked for ${options.timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 2 + Math.random() * 8));
    }
  } finally {
    await rm(candidate, { force: true });
    journal.untrack(candidate);
  }
  return async () => {
    // Only our own lock is removed (a lock judged stale may have been taken over meanwhile).
    const current = await readFile(lockPath, "utf8").catch(() => undefined);
    if (current === text) await unlink(lockPath).catch(() => undefined);
    journal.untrack(`lock:${lockPath}`);
  };
}
