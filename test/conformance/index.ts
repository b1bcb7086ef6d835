/**
 * The storage conformance suite: every semantic of the protocol, run against
 * any backend. Each operation's checks live in their own file.
 */
import { afterAll, beforeAll, describe } from "vitest";
import type { Storage } from "@lazyscribe/core";
import { copySuite } from "./copy.js";
import { preconditionSuite } from "./preconditions.js";
import { readWriteSuite } from "./read-write.js";
import { statListDeleteSuite } from "./stat-list-delete.js";
import type { BackendUnderTest } from "./types.js";

export type { BackendUnderTest } from "./types.js";

/** Registers the whole conformance suite for one backend. */
export function runConformance(backend: BackendUnderTest): void {
  describe(`storage conformance: ${backend.name}`, () => {
    let state: { storage: Storage; root: string; cleanup?: () => Promise<void> } | undefined;
    beforeAll(async () => {
      state = await backend.setup();
    });
    afterAll(async () => {
      await state?.cleanup?.();
    });
    const ctx = () => {
      if (!state) throw new Error(`${backend.name} did not set up`);
      return state;
    };
    readWriteSuite(ctx);
    statListDeleteSuite(ctx);
    preconditionSuite(ctx);
    copySuite(ctx);
  });
}
