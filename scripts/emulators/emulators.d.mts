// Types for emulators.mjs, so test/support/global-setup.ts (TypeScript) can import it without `any`.
export type EmulatorName = "s3" | "gcs" | "azure";

export interface StartedEmulators {
  /** Variables for the SDKs and tests (see s3Env, gcsEnv, azureEnv). */
  env: Record<string, string>;
  /** Stops every emulator this call started; safe to call more than once. */
  stop: () => Promise<void>;
}

export function startEmulators(options?: { only?: EmulatorName[]; timeoutMs?: number }): Promise<StartedEmulators>;
export function s3Env(endpoint: string): Record<string, string>;
export function gcsEnv(endpoint: string): Record<string, string>;
export function pythonGcsEnv(endpoint: string): Record<string, string>;
export function azureEnv(connectionString: string): Record<string, string>;
export function azuriteConnectionString(blobEndpoint: string): string;
export function freePort(): Promise<number>;
export const AZURITE_ACCOUNT: string;
export const AZURITE_KEY: string;
/** LocalStack (S3 only) in host mode; needs `npm run tools -- --localstack`. */
export function startLocalstack(options?: { timeoutMs?: number }): Promise<StartedEmulators>;
/** What a person exports to point this library and their own tools at running emulators (see run.mjs). */
export function userEnv(env: Record<string, string>): Record<string, string>;
