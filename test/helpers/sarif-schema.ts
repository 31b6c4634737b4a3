// Validates SARIF logs against the SARIF 2.1.0 JSON schema shipped by the
// devDependency @microsoft/sarif-multitool-ts (assets/sarif-2.1.0.schema.json:
// microsoft/sarif-sdk's SARIF 2.1.0 schema, JSON Schema draft 2020-12; the 108 MB
// sarif-multitool-linux ships it too). Read from node_modules so tests stay offline.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';

// ajv-formats is CommonJS: NodeNext types the default import as the module object,
// whose `default` is the plugin (and is set at runtime too).
const addFormats = formatsModule.default;

let validator: ValidateFunction | undefined;

function schemaPath(): string {
  // The package's `exports` hides assets/, so locate it from the main entry (dist/index.js).
  const main = createRequire(import.meta.url).resolve('@microsoft/sarif-multitool-ts');
  return join(dirname(main), '..', 'assets', 'sarif-2.1.0.schema.json');
}

function compile(): ValidateFunction {
  const schema = JSON.parse(readFileSync(schemaPath(), 'utf8')) as object;
  // strictRequired off: the schema lists in anyOf branches `required` names defined only at the parent.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  // Formats on: they check uri / uri-reference values such as our percent-encoded paths.
  addFormats(ajv);
  return ajv.compile(schema);
}

function describe(e: ErrorObject): string {
  return `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`;
}

/** Schema violations of `log`, one message each; [] when it is valid SARIF 2.1.0. */
export function validateSarif(log: unknown): string[] {
  validator ??= compile();
  return validator(log) ? [] : (validator.errors ?? []).map(describe);
}
