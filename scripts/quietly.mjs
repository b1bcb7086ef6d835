#!/usr/bin/env node
/**
 * Runs a command with its output held back: nothing is printed when it succeeds, everything (stdout and stderr, in
 * order) when it fails, followed by its exit code. For build steps in front of a command whose own output matters.
 *
 * Usage: node scripts/quietly.mjs <command> [args...]
 */
import { spawn } from "node:child_process";

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error("usage: node scripts/quietly.mjs <command> [args...]");
  process.exit(2);
}
const chunks = [];
const child = spawn(cmd, args, {
  stdio: ["ignore", "pipe", "pipe"],
  env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? "1" : "0" },
});
child.stdout.on("data", (c) => chunks.push(c));
child.stderr.on("data", (c) => chunks.push(c));
child.on("error", (err) => {
  console.error(`${cmd}: ${err.message}`);
  process.exit(1);
});
child.on("close", (code, signal) => {
  if (code === 0) return;
  process.stderr.write(Buffer.concat(chunks));
  console.error(`\n\`${[cmd, ...args].join(" ")}\` failed (${signal ?? `exit code ${code}`}).`);
  process.exit(code ?? 1);
});
