export * from "./handler.js";
export * from "./handler-registry.js";
export { Artifact, defaultFileName, type ArtifactInit, type ArtifactMetadata, type ArtifactState } from "./artifact.js";
export type { LoadArtifactOptions } from "./artifact-io.js";
export { bytesHandler, jsonHandler, textHandler } from "./builtin-handlers.js";
