import type { Storage } from "@lazyscribe/core";

/** A backend under test: a store plus a fresh key prefix that no other run uses. */
export interface BackendUnderTest {
  /** Display name in test titles. */
  name: string;
  /** Creates the store (and its bucket) once for the suite. */
  setup(): Promise<{ storage: Storage; root: string; cleanup?: () => Promise<void> }>;
}

/** Builds a unique key below the backend's root. */
export function uniqueKey(root: string, name: string): string {
  return `${root}/${Math.random().toString(36).slice(2, 10)}/${name}`;
}
