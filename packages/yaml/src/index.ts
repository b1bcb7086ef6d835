/**
 * `@lazyscribe/yaml`: the `yaml` artifact handler of Python's lazyscribe-yaml
 * (PyYAML), for lazyscribe for TypeScript. Importing this package registers it.
 *
 * Files are byte-compatible with `yaml.dump(value, buf, **writer_options)` for the
 * default options and `sort_keys`, `allow_unicode`, `width` and `explicit_start`,
 * and are read as PyYAML's `SafeLoader` reads them (YAML 1.1 resolution).
 *
 * @packageDocumentation
 */
import { InvalidArgumentError, registerHandler, type ArtifactHandler, type HandlerOptions } from "@lazyscribe/core";
import { dumpPyYaml, loadPyYaml, type PyYamlDumpOptions } from "./pyyaml.js";

export { dumpPyYaml, loadPyYaml, pyYamlFloat, type PyYamlDumpOptions } from "./pyyaml.js";

const utf8 = new TextDecoder("utf-8");

const OPTION_NAMES: Record<string, keyof PyYamlDumpOptions> = {
  sort_keys: "sortKeys",
  sortKeys: "sortKeys",
  allow_unicode: "allowUnicode",
  allowUnicode: "allowUnicode",
  width: "width",
  explicit_start: "explicitStart",
  explicitStart: "explicitStart",
};

/** Maps `yaml.dump` keyword options; `default_flow_style: false` is accepted (it is the default), anything else is refused. */
export function toDumpOptions(options: HandlerOptions): PyYamlDumpOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if ((key === "default_flow_style" || key === "defaultFlowStyle") && value === false) continue;
    const name = OPTION_NAMES[key];
    if (!name) {
      throw new InvalidArgumentError(
        `The yaml handler does not support the writer option "${key}" (supported: sort_keys, allow_unicode, width, explicit_start, default_flow_style=false).`,
      );
    }
    out[name] = value;
  }
  return out as PyYamlDumpOptions;
}

/**
 * The `yaml` handler (suffix `yaml`, text), as lazyscribe-yaml registers it in Python.
 * Values: JSON-like data (objects, arrays, `Map`s, strings, numbers, `bigint`, booleans,
 * `null`, `Date`s, `PyFloat`s). Writer options: `yaml.dump`'s keywords (see {@link toDumpOptions}).
 */
export const yamlHandler: ArtifactHandler<unknown> = {
  alias: "yaml",
  suffix: "yaml",
  binary: false,
  outputOnly: false,
  encode: (value, options) => dumpPyYaml(value, toDumpOptions(options)),
  decode: (data) => loadPyYaml(utf8.decode(data)),
};

registerHandler(yamlHandler);
