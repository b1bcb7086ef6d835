export * from "./protocol.js";
export * from "./storage-error.js";
export * from "./keys.js";
export * from "./location.js";
export * from "./body.js";
export * from "./memory-storage.js";
export * from "./registry.js";
export * from "./transfer.js";
