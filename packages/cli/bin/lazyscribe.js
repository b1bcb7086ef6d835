#!/usr/bin/env node
// The `lazyscribe` executable. The code is compiled to dist/ by `npm run build`.
import("../dist/main.js").then(
  (cli) => cli.main(),
  (err) => {
    if (err && err.code === "ERR_MODULE_NOT_FOUND" && String(err.message).includes("dist/main.js")) {
      process.stderr.write("error: @lazyscribe/cli is not built; run `npm run build` in the repository first.\n");
    } else {
      process.stderr.write(`error: ${err && err.stack ? err.stack : err}\n`);
    }
    process.exit(1);
  },
);
