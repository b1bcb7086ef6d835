/** Copies between locations: server-side inside one store, streamed between stores of one protocol. */
import { ArtifactLogError } from "../errors.js";
import type { Storage, WritePrecondition } from "./protocol.js";

/** Options of {@link copyAcross}. */
export interface CopyAcrossOptions {
  /** Precondition on the destination. */
  precondition?: WritePrecondition;
  /** Called with bytes copied when the copy streams through the client. */
  onProgress?: (progress: { bytes: number; totalBytes?: number }) => void;
}

/**
 * Copies `sourceKey` of `source` to `destinationKey` of `destination`. The same
 * store copies server-side; two stores of one protocol (another account or
 * endpoint) stream; different protocols are refused, as Python refuses them.
 *
 * @throws ArtifactLogError when the protocols differ.
 */
export async function copyAcross(
  source: Storage,
  sourceKey: string,
  destination: Storage,
  destinationKey: string,
  options: CopyAcrossOptions = {},
): Promise<void> {
  if (source.protocol !== destination.protocol) {
    throw new ArtifactLogError(
      `Cannot copy ${source.protocol}://${sourceKey} to ${destination.protocol}://${destinationKey}: the file systems use different protocols. Move the file to the destination by hand.`,
    );
  }
  if (source === destination || source.storeId === destination.storeId) {
    await destination.copy(sourceKey, destinationKey, { precondition: options.precondition });
    return;
  }
  const info = await source.stat(sourceKey);
  const stream = await source.readStream(sourceKey, { onProgress: options.onProgress });
  await destination.write(destinationKey, stream, { precondition: options.precondition, contentLength: info?.size });
}
