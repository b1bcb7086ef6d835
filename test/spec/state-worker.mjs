// Bootstrap for the TypeScript worker of state.test.ts: worker threads do not inherit tsx from Vitest.
import { register } from "tsx/esm/api";

register();
await import("./state-worker-impl.ts");
