/**
 * zod schemas of the manifests Python lazyscribe writes, with the defaults its
 * loader tolerates (older key sets). They validate shape only: values are taken
 * from the decoded JSON itself, so number formatting marks survive.
 */
import { z } from "zod";
import { ManifestError } from "../errors.js";

const record = z.record(z.string(), z.unknown());

/** A test object in `project.json`. Unknown keys are refused, as Python does. */
export const testEntrySchema = z.strictObject({
  name: z.string(),
  description: z.string().nullable().optional(),
  metrics: record.optional(),
  parameters: record.optional(),
  artifacts: z.array(z.unknown()).optional(),
});

/** An experiment object in `project.json`. Unknown keys are refused, as Python does. */
export const experimentEntrySchema = z.strictObject({
  name: z.string(),
  author: z.string().optional(),
  last_updated_by: z.string().optional(),
  metrics: record.optional(),
  parameters: record.optional(),
  created_at: z.string(),
  last_updated: z.string(),
  dependencies: z.array(z.string()).nullable().optional(),
  short_slug: z.string().optional(),
  slug: z.string().optional(),
  tests: z.array(testEntrySchema).optional(),
  artifacts: z.array(z.unknown()).optional(),
  tags: z.array(z.string()).optional(),
});

/** A validated experiment entry. */
export type ExperimentEntry = z.infer<typeof experimentEntrySchema>;

/** A release object in `releases.json`. */
export const releaseEntrySchema = z.object({
  tag: z.string(),
  artifacts: z.array(z.tuple([z.string(), z.number().int()])),
  created_at: z.string(),
});

/** Validates `value` against `schema`, or throws a ManifestError naming the file and entry. */
export function validateEntry<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return value as T;
  const issue = result.error.issues[0]!;
  const at = issue.path.length ? ` at ${issue.path.map(String).join(".")}` : "";
  throw new ManifestError(`${where}${at}: ${issue.message}. Fix or remove this entry; nothing was changed.`);
}
