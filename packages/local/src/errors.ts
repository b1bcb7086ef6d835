import { isLazyscribeError, StorageError, type StorageOperation } from "@lazyscribe/core";

/** Maps a Node file-system error to a {@link StorageError}; lazyscribe errors pass through. */
export function toStorageError(err: unknown, operation: StorageOperation, key: string): Error {
  if (isLazyscribeError(err)) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const base = { operation, protocol: "file", key, cause: err } as const;
  switch (code) {
    case "ENOENT":
      return new StorageError("no such file", { ...base, code: "NOT_FOUND" });
    case "EISDIR":
      return new StorageError("the path is a directory, not a file", { ...base, code: "INVALID_KEY", hint: "Point at a file inside it" });
    case "ENOTDIR":
      return new StorageError("a parent of the path is a file, not a directory", { ...base, code: "INVALID_KEY" });
    case "EACCES":
    case "EPERM":
      return new StorageError("permission denied", { ...base, code: "PERMISSION_DENIED", hint: "Check the file and folder permissions" });
    case "ABORT_ERR":
      return new StorageError("aborted", { ...base, code: "UNEXPECTED" });
    default:
      return new StorageError((err as Error | undefined)?.message ?? String(err), { ...base, code: "UNEXPECTED" });
  }
}
