#!/usr/bin/env node
// `npm run bench` builds bench/dist (and the packages it measures), then runs this. See src/cli.ts for the options.
import { existsSync } from "node:fs";

if (!existsSync(new URL("./dist/cli.js", import.meta.url))) {
  console.error("bench/dist is missing: run `npm run bench`, or `npx turbo run build --filter=@lazyscribe/bench...` first.");
  process.exit(1);
}
await import("./dist/cli.js");
