/**
 * lazyscribe: lightweight experiment logging and artifact versioning,
 * compatible with Python lazyscribe, on local disk and object stores.
 *
 * Importing this package registers every storage backend, so plain paths,
 * `file://`, `memory://`, `s3://`, `gs://` and `az://` URLs all work, and the
 * `yaml`, `csv`, `parquet` and `onnx` artifact handlers shared with Python's lazyscribe-yaml,
 * lazyscribe-arrow and lazyscribe-onnx (loading an `onnx` model as a session needs the
 * optional peer dependency `onnxruntime-node`).
 *
 * @packageDocumentation
 */
import "@lazyscribe/azure";
import "@lazyscribe/csv";
import "@lazyscribe/gcs";
import "@lazyscribe/local";
import "@lazyscribe/onnx";
import "@lazyscribe/parquet";
import "@lazyscribe/s3";
import "@lazyscribe/yaml";

export * from "@lazyscribe/core";
export { AzureStorage, createAzureStorage, type AzureStorageOptions } from "@lazyscribe/azure";
export { createGcsStorage, GcsStorage, type GcsStorageOptions, type GcsStorageTuning } from "@lazyscribe/gcs";
export { createLocalStorage, LocalStorage, type LocalStorageOptions } from "@lazyscribe/local";
export { createS3Storage, S3Storage, type S3PreconditionEmulation, type S3StorageOptions } from "@lazyscribe/s3";
export { csvHandler, readArrowCsv, tableRecords, writeArrowCsv, type CsvColumnType, type CsvTable } from "@lazyscribe/csv";
export { dumpPyYaml, loadPyYaml, yamlHandler, type PyYamlDumpOptions } from "@lazyscribe/yaml";
export {
  createOnnxSession,
  loadOnnxRuntime,
  modelProtoProblem,
  ONNX_RUNTIME_PACKAGE,
  onnxHandler,
  onnxModelBytes,
  OnnxRuntimeUnavailableError,
  type InferenceSession,
  type OnnxReadOptions,
  type OnnxRuntime,
} from "@lazyscribe/onnx";
export {
  parquetHandler,
  readParquetTable,
  tableFromRows,
  toArrowTable,
  writeParquetTable,
  type ParquetCompression,
  type ParquetReadOptions,
  type ParquetValue,
  type ParquetWriteOptions,
} from "@lazyscribe/parquet";
