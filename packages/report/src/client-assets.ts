/**
 * The page's script and style, bundled by esbuild at `npm run build` of this
 * package (scripts/build-client.mjs) into dist/client/. The path resolves the
 * same from src/ (tests, the `lazyscribe-source` condition) and from dist/.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { LazyscribeError } from "@lazyscribe/core";

/** The report page's client code is missing: the package was not built. */
export class ReportAssetsMissingError extends LazyscribeError {}

/** The bundled client script and stylesheet. */
export interface ClientAssets {
  /** The page's JavaScript (one IIFE). */
  script: string;
  /** The page's CSS. */
  style: string;
}

let cached: ClientAssets | undefined;

/**
 * Loads the bundled client once per process.
 *
 * @throws ReportAssetsMissingError when the bundle has not been built.
 */
export function clientAssets(): ClientAssets {
  if (cached) return cached;
  const dir = new URL("../dist/client/", import.meta.url);
  try {
    cached = {
      script: readFileSync(new URL("report-client.js", dir), "utf8"),
      style: readFileSync(new URL("report-client.css", dir), "utf8"),
    };
  } catch (cause) {
    throw new ReportAssetsMissingError(
      `The report page's client bundle is missing from ${fileURLToPath(dir)}. Build the package first: npm run build -w @lazyscribe/report (or npx turbo run build).`,
      { cause },
    );
  }
  return cached;
}
