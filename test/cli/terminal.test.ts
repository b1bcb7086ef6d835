/**
 * The executable on a real pseudo-terminal (tmux): boxed, coloured tables, the progress bar on
 * stderr, NO_COLOR honoured, and a hostile experiment name unable to clear the screen, recolour
 * output or retitle the terminal. tmux must be installed (`apt-get install tmux`).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, requireBuiltCli, runOk, writeFixture, type Fixture } from "./harness.js";

const SOCKET = `lazyscribe-cli-${process.pid}`;

function tmux(...args: string[]): string {
  return execFileSync("tmux", ["-L", SOCKET, "-f", "/dev/null", ...args], {
    encoding: "utf8",
    env: { ...process.env, TERM: "xterm-256color", NO_COLOR: undefined, FORCE_COLOR: undefined },
  });
}

/** Runs a shell script in a fresh 220x60 tmux session and returns the screen, plain and with escapes. */
async function onTerminal(name: string, script: string, width = 220): Promise<{ text: string; styled: string; title: string }> {
  const dir = await mkdtemp(join(tmpdir(), "lazyscribe-cli-tty-"));
  const file = join(dir, "run.sh");
  await writeFile(file, `${script}\nprintf 'DONE %s\\n' "$?"\nsleep 120\n`);
  tmux("new-session", "-d", "-s", name, "-x", String(width), "-y", "60", `sh ${file}`);
  const deadline = Date.now() + 60_000;
  let text = "";
  while (Date.now() < deadline) {
    text = tmux("capture-pane", "-p", "-t", name);
    if (/DONE \d+/.test(text)) break;
    await sleep(200);
  }
  const styled = tmux("capture-pane", "-p", "-e", "-t", name);
  const title = tmux("display-message", "-p", "-t", name, "#{pane_title}");
  return { text, styled, title };
}

describe("lazyscribe on a terminal", () => {
  let fx: Fixture;
  let destination: string;

  beforeAll(async () => {
    requireBuiltCli();
    const version = spawnSync("tmux", ["-V"], { encoding: "utf8" });
    if (version.error || version.status !== 0) {
      throw new Error("The terminal test needs tmux (a real pseudo-terminal). Install it: `apt-get install -y tmux`.");
    }
    fx = await writeFixture(await mkdtemp(join(tmpdir(), "lazyscribe-cli-tty-")));
    await runOk(["release", "create", fx.repository, "1.0.0"]);
    destination = join(fx.root, "serving");
  });

  afterAll(() => {
    spawnSync("tmux", ["-L", SOCKET, "kill-server"]);
  });

  it("draws coloured tables and a progress bar, and shows a hostile name as inert text", async () => {
    const node = process.execPath;
    const screen = await onTerminal(
      "colour",
      [
        "printf 'BEFORE\\n'",
        `${node} ${BIN} ls ${fx.project}`,
        `${node} ${BIN} compare ${fx.project} baseline tuned-model --higher-is-better auc --only-changed`,
        `${node} ${BIN} deploy ${fx.repository} 1.0.0 ${destination}`,
      ].join("\n"),
    );
    expect(screen.text).toMatch(/DONE 0/);
    // The hostile name's ESC [2J did not clear the screen, and its OSC 0 did not retitle the pane.
    expect(screen.text).toContain("BEFORE");
    expect(screen.title).not.toContain("pwned");
    expect(screen.text).toContain("│ Evil \\e[2J\\e[31mred\\e[0m\\r\\nforged row\\u0007\\u009b1m │");
    // Boxed table with a bold cyan header.
    expect(screen.text).toMatch(/┌─+┬/);
    expect(screen.text).toMatch(/│ short_slug\s+│ name\s+│ author\s+│ created\s+│ tags\s+│\s+auc │ loss │\n/);
    expect(screen.text).toMatch(/│ tuned-model\s+│ Tuned model\s+│ ana\s+│ 2025-03-02 11:30:00 │ candidate, tuned\s+│ 0\.87 │ 0\.35 │\n/);
    expect(screen.styled).toMatch(/\u001b\[1m\u001b\[36mshort_slug/);
    // compare: the best auc in bold green with its marker, changed values in yellow.
    expect(screen.styled).toMatch(/\u001b\[1m\u001b\[32m0\.87 \*/);
    expect(screen.styled).toMatch(/\u001b\[33m0\.1\b/);
    // The progress bar ran on stderr, on the terminal, and was left complete.
    expect(screen.text).toMatch(/Deploying 1\.0\.0 \[#{40}\] 100% \| 2\/2 files/);
    expect(screen.text).toContain("Deployed release 1.0.0 (1 artifact, 2 files)");
  });

  it("fits a wide table to a narrow terminal without narrowing its first column", async () => {
    const screen = await onTerminal("narrow", `${process.execPath} ${BIN} ls ${fx.project}`, 100);
    expect(screen.text).toMatch(/DONE 0/);
    const table = screen.text.split("\n").filter((line) => /^[┌│├└]/.test(line));
    expect(table.length).toBeGreaterThan(8);
    for (const line of table) expect(line.length).toBeLessThanOrEqual(100);
    expect(table[0]).toMatch(/┐$/);
    expect(screen.text).toContain("│ evil-2j-31mred-0m-forged-row-1m │");
    expect(screen.text).toMatch(/│ tuned-model\s+│ Tuned model\s+│ ana\s+│ 2025-03-02\s+│ candidate,\s+│ 0\.87 │ 0\.35 │/);
  });

  it("honours NO_COLOR on a terminal", async () => {
    const screen = await onTerminal(
      "mono",
      `NO_COLOR=1 ${process.execPath} ${BIN} compare ${fx.project} baseline tuned-model --higher-is-better auc`,
    );
    expect(screen.text).toMatch(/DONE 0/);
    expect(screen.text).toMatch(/┌─+┬/);
    expect(screen.text).toContain("0.87 *");
    expect(screen.styled).not.toContain("\u001b[");
  });
});
