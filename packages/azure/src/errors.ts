/**
 * The one mapping from Azure SDK errors to {@link StorageError}. Error codes are the
 * `x-ms-error-code` values listed at
 * https://learn.microsoft.com/rest/api/storageservices/blob-service-error-codes
 */
import { isLazyscribeError, StorageError, type StorageErrorCode, type StorageOperation } from "@lazyscribe/core";

/** What the mapping needs to know besides the error. */
export interface AzureErrorContext {
  /** The container of the key, to name it in "container not found" hints. */
  container?: string;
  /** A second container involved (the other side of a copy). */
  otherContainer?: string;
  /** Whether the request carried a precondition. */
  preconditioned?: boolean;
  /** Literal secrets (account key, SAS token) to cut out of any text we keep. */
  secrets?: readonly string[];
}

/** The fields of an SDK error we read. `RestError` also carries the request, with its signed headers: never kept. */
interface SdkErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  statusCode?: unknown;
  details?: { errorCode?: unknown; requestId?: unknown };
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "REQUEST_SEND_ERROR",
]);

/** Maps an Azure SDK, identity or network error to a {@link StorageError}; lazyscribe errors pass through. */
export function toStorageError(err: unknown, operation: StorageOperation, key: string, context: AzureErrorContext = {}): Error {
  if (isLazyscribeError(err)) return err;
  const e = (typeof err === "object" && err !== null ? err : {}) as SdkErrorLike;
  const name = typeof e.name === "string" ? e.name : "";
  const status = typeof e.statusCode === "number" ? e.statusCode : undefined;
  // HEAD responses have no body, so the service's code arrives only as the x-ms-error-code header (details.errorCode).
  const azureCode = str(e.details?.errorCode) ?? (status !== undefined ? str(e.code) : undefined);
  const networkCode = status === undefined ? str(e.code) : undefined;
  const cause = sanitise(err, context.secrets ?? []);
  const make = (code: StorageErrorCode, message: string, hint?: string, retryable?: boolean) =>
    new StorageError(message, { code, operation, protocol: "az", key, hint, cause, retryable });
  const tagged = (message: string) => (azureCode ? `${message} (${azureCode})` : message);

  switch (status) {
    case 404:
      if (azureCode === "ContainerNotFound") return make("NOT_FOUND", tagged(containerMissing(context)), containerHint(context));
      // Copy from a missing source blob: same-account copies say BlobNotFound (azurite too), cross-account ones CannotVerifyCopySource.
      if (azureCode === "CannotVerifyCopySource") return make("NOT_FOUND", tagged("the copy source does not exist"));
      return make("NOT_FOUND", tagged("no such blob"));
    case 412:
      // A read that lost its connection resumes pinned to the first response's ETag; 412 then means the blob was replaced.
      if (operation === "read" || operation === "readStream") {
        return make("UNAVAILABLE", tagged("the blob was replaced while it was being read"), "Read it again", true);
      }
      // A leased blob answers 412 too, but that is not one of our preconditions.
      if (azureCode?.startsWith("Lease")) {
        return make("UNEXPECTED", tagged("the blob is leased"), "Break or release the lease; lazyscribe does not take leases");
      }
      return make("PRECONDITION_FAILED", tagged("the precondition did not hold: the blob changed or is absent"));
    case 409:
      // Put Blob / Copy Blob with If-None-Match: * on an existing blob answers 409 BlobAlreadyExists, not 412.
      if (azureCode === "BlobAlreadyExists") return make("PRECONDITION_FAILED", tagged("the blob already exists"));
      if (azureCode === "ContainerBeingDeleted") return make("NOT_FOUND", tagged(containerMissing(context)), containerHint(context));
      return make("UNEXPECTED", tagged("the request conflicts with the blob's state"));
    case 401:
    case 403:
      return make(
        "PERMISSION_DENIED",
        tagged("Azure refused the credentials"),
        azureCode === "AuthorizationPermissionMismatch" || azureCode === "AuthorizationFailure"
          ? "Check the account key or SAS in the connection string, or give the identity a role such as Storage Blob Data Contributor"
          : "Check the account key or SAS in the connection string (and that the clock is right), or the identity used by DefaultAzureCredential",
      );
    case 400:
      if (azureCode === "InvalidResourceName" || azureCode === "InvalidUri" || azureCode === "OutOfRangeInput") {
        return make(
          "INVALID_KEY",
          tagged("not a valid container or blob name"),
          "Container names are 3-63 lowercase letters, digits and single hyphens; blob names at most 1024 characters",
        );
      }
      // Committing a block list fails when another writer committed the same blob after our blocks were staged:
      // Azure discards every uncommitted block on a commit. With a precondition that writer made it fail anyway.
      if (azureCode === "InvalidBlockList") {
        return context.preconditioned
          ? make("PRECONDITION_FAILED", tagged("another writer committed the blob first"))
          : make("UNAVAILABLE", tagged("another writer committed the blob while this upload was in flight"), "Retry the write", true);
      }
      return make("UNEXPECTED", tagged(`Azure rejected the request: ${firstLine(cause.message)}`));
    case 429:
      return make("RATE_LIMITED", tagged("Azure asked to slow down"));
    case 503:
      // Azure throttles with 503 ServerBusy (and 500 OperationTimedOut), rarely with 429.
      return azureCode === "ServerBusy" || azureCode === "IngressOverAccountLimit" || azureCode === "EgressOverAccountLimit"
        ? make("RATE_LIMITED", tagged("Azure asked to slow down"))
        : make("UNAVAILABLE", tagged("the Blob service is unavailable"));
    case 500:
    case 502:
    case 504:
      return make("UNAVAILABLE", tagged(`the Blob service failed (HTTP ${status})`));
    case undefined:
      break;
    default:
      return make("UNEXPECTED", tagged(`HTTP ${status}: ${firstLine(cause.message)}`));
  }

  if (networkCode === "ENOTFOUND") {
    return make(
      "UNAVAILABLE",
      "the Blob endpoint's host name does not resolve (ENOTFOUND)",
      "Check the account name or endpoint (a typo in the account name gives this) and DNS",
    );
  }
  if (networkCode && NETWORK_CODES.has(networkCode)) {
    return make(
      "UNAVAILABLE",
      `cannot reach the Blob endpoint (${networkCode})`,
      "Check the endpoint in the connection string or options and the network; the SDK retried before giving up (see retryOptions and socketTimeoutMs)",
    );
  }
  // The SDK's own per-try abort (not the caller's signal, which the storage class rethrows as is).
  if (name === "AbortError") return make("UNAVAILABLE", "the connection to Azure was cut off");
  // An answer whose body stopped arriving: the request may or may not have taken effect.
  if (networkCode === "PARSE_ERROR" && /aborted|socket hang up|ECONNRESET|premature close/i.test(cause.message)) {
    return make(
      "UNAVAILABLE",
      "the connection to Azure was cut off while its answer arrived",
      "Try again; the request was already sent again a few times",
    );
  }
  // @azure/identity: no credential source at all, or one that was refused.
  if (name === "CredentialUnavailableError" || name === "AggregateAuthenticationError") {
    return make(
      "CONFIG_INVALID",
      "DefaultAzureCredential found no usable credential",
      "Set AZURE_STORAGE_CONNECTION_STRING, sign in with `az login`, set the AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET variables, or pass `credential` or `client`",
    );
  }
  if (name === "AuthenticationError") return make("PERMISSION_DENIED", "Microsoft Entra ID refused the credential");
  return make("UNEXPECTED", firstLine(cause.message) || "unexpected error");
}

/** True for Azure's "this blob does not exist" (but not "this container does not exist"). */
export function isBlobNotFound(err: unknown): boolean {
  const e = (typeof err === "object" && err !== null ? err : {}) as SdkErrorLike;
  if (e.statusCode !== 404) return false;
  const code = str(e.details?.errorCode) ?? str(e.code);
  return code !== "ContainerNotFound";
}

/** A copy of an SDK error without its request, response or headers, with secrets cut out of the text. */
class AzureSdkError extends Error {
  /** HTTP status, when Azure answered. */
  readonly statusCode?: number;
  /** The `x-ms-error-code` or network error code. */
  readonly code?: string;
  constructor(name: string, message: string, statusCode: number | undefined, code: string | undefined) {
    super(message);
    this.name = name;
    if (statusCode !== undefined) this.statusCode = statusCode;
    if (code !== undefined) this.code = code;
  }
}

function sanitise(err: unknown, secrets: readonly string[]): AzureSdkError {
  const e = (typeof err === "object" && err !== null ? err : {}) as SdkErrorLike;
  const message = typeof e.message === "string" ? e.message : String(err);
  const status = typeof e.statusCode === "number" ? e.statusCode : undefined;
  const code = str(e.details?.errorCode) ?? str(e.code);
  return new AzureSdkError(str(e.name) ?? "Error", scrubSecrets(message, secrets), status, code);
}

/** Removes account keys, SAS signatures and authorization values from text. */
export function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 8) out = out.split(secret).join("[redacted]");
  return out
    .replace(/\b(AccountKey|SharedAccessSignature|SharedAccessKey)=[^;\s"']*/gi, "$1=[redacted]")
    .replace(/([?&](?:sig|se|st|sp|sv|ss|srt|spr|skoid|sktid|skt|ske|sks|skv|si|sr|sdd)=)[^&\s"']*/gi, "$1[redacted]")
    .replace(/\b(SharedKey(?:Lite)?\s+[^:\s]+:|Bearer\s+)\S+/g, "$1[redacted]");
}

function containerMissing(context: AzureErrorContext): string {
  const { container, otherContainer } = context;
  if (container && otherContainer && otherContainer !== container) {
    return `the container "${container}" or "${otherContainer}" does not exist`;
  }
  return container ? `the container "${container}" does not exist` : "the container does not exist";
}

function containerHint(context: AzureErrorContext): string {
  const name = context.container ?? "<name>";
  return `Create it first (for example \`az storage container create --name ${name}\`) or fix the container in the URL`;
}

function firstLine(message: string): string {
  return message.split("\n")[0]?.trim() ?? "";
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}
