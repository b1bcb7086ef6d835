#!/usr/bin/env node
// `npx lazyscribe ...`: the command line of @lazyscribe/cli, installed with this package.
import("@lazyscribe/cli/main").then(
  (cli) => cli.main(),
  (err) => {
    process.stderr.write(
      `error: the lazyscribe command line could not be loaded (${err && err.message ? err.message : err}). Reinstall lazyscribe, or run \`npm run build\` in a clone of its repository.\n`,
    );
    process.exit(1);
  },
);
