import { defineConfig } from "vitest/config";

export default defineConfig({
  // Tests import workspace packages from their TypeScript sources (see each package's exports map).
  resolve: { conditions: ["lazyscribe-source"] },
  ssr: { resolve: { conditions: ["lazyscribe-source"] } },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    // Starts the S3, GCS and Azure emulators once per run (unless LAZYSCRIBE_TEST_* point elsewhere).
    globalSetup: ["./test/support/global-setup.ts"],
    reporters: ["default", "./test/support/summary-reporter.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Polls wait for an outcome, never for a speed: on two loaded cores 1 s (the default) is not enough.
    expect: { poll: { timeout: 10_000 } },
    pool: "forks",
  },
});
