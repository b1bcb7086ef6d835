#!/usr/bin/env node
/**
 * Bundles the report page's client (client/main.ts and client/styles.css) with
 * esbuild into dist/client/, where renderReport inlines them. Prints the sizes.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = `${root}dist/client/`;
mkdirSync(out, { recursive: true });

const result = await build({
  entryPoints: [`${root}client/main.ts`],
  bundle: true,
  minify: true,
  format: "iife",
  platform: "browser",
  target: ["es2022"],
  legalComments: "none",
  write: false,
  metafile: true,
  logLevel: "warning",
  define: { "process.env.NODE_ENV": '"production"' },
});
const script = result.outputFiles[0].text.trimEnd();
// The script is inlined in a <script> element: nothing in it may end or confuse that element.
if (/<\/script|<!--/i.test(script)) throw new Error("The client bundle contains </script or <!--; it cannot be inlined.");
const css = await build({ entryPoints: [`${root}client/styles.css`], bundle: true, minify: true, write: false, logLevel: "warning" });
const style = css.outputFiles[0].text.trimEnd();
if (/<\/style/i.test(style)) throw new Error("The stylesheet contains </style; it cannot be inlined.");

writeFileSync(`${out}report-client.js`, script);
writeFileSync(`${out}report-client.css`, style);
writeFileSync(`${out}meta.json`, JSON.stringify(result.metafile));

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const echarts = Object.entries(result.metafile.outputs)[0][1].inputs;
let echartsBytes = 0;
for (const [path, info] of Object.entries(echarts))
  if (path.includes("node_modules/echarts") || path.includes("node_modules/zrender")) echartsBytes += info.bytesInOutput;
console.log(
  `report client: ${kb(Buffer.byteLength(script))} script (${kb(gzipSync(script).length)} gzip; ECharts+zrender ${kb(echartsBytes)}), ${kb(Buffer.byteLength(style))} style`,
);
