// Reads rules.yaml (the bundled default, and optionally a user's file over it), validates it
// against the schema and reports every problem as `file:line: key: what was expected`. A user's
// top-level key replaces the bundled one whole, except `rules`, which is merged rule by rule and
// setting by setting over each rule's defaults (its module's meta, then the bundled file).
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from 'ajv';
import picomatch from 'picomatch';
import { LineCounter, type Node, isMap, isPair, isScalar, parseDocument, type Document } from 'yaml';
import { fsErrorText } from '../errors.js';
import type { Level } from '../model.js';
import { configSchema } from './schema.js';
import { type Config, type RuleSettings, type RuleSpec, type Suppression, defaultSettings } from './types.js';
import { yamlErrorLine } from './yaml-error-line.js';
import { readRegularText } from '../fs/read.js';

export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL('../../../rules.yaml', import.meta.url));

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

const TOP_LEVEL_KEYS = Object.keys(configSchema([]).properties);

// Compiling the schema costs a fifth of a second; the bundled rules.yaml is checked by the
// test suite, so only a user's file pays for it.
const compiled = new WeakMap<readonly RuleSpec[], ValidateFunction>();
function validator(rules: readonly RuleSpec[]): ValidateFunction {
  let validate = compiled.get(rules);
  if (!validate) {
    const { Ajv } = createRequire(import.meta.url)('ajv') as { Ajv: typeof AjvClass };
    validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true }).compile(
      configSchema(rules),
    );
    compiled.set(rules, validate);
  }
  return validate;
}

interface Parsed {
  file: string;
  doc: Document;
  lines: LineCounter;
  value: Record<string, unknown>;
}

function lineOf(parsed: Parsed, offset: number | undefined): number {
  return offset === undefined ? 1 : parsed.lines.linePos(offset).line;
}

/** Nodes one YAML alias may expand to: yaml's default, named here because the error says it. */
const MAX_ALIAS_COUNT = 100;

function parseFile(file: string): Parsed {
  let text: string;
  try {
    text = readRegularText(file, { limitName: 'the configuration file limit' });
  } catch (err) {
    throw new ConfigError([`${file}: cannot read configuration: ${fsErrorText(err)}`]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) {
    throw new ConfigError(
      doc.errors.map(
        (e) => `${file}:${yamlErrorLine(doc, text, lines, e)}: YAML syntax error: ${e.message.split('\n')[0]}`,
      ),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // yaml's guard against a billion laughs: a ReferenceError, a user's file all the same.
    if (!(err instanceof ReferenceError)) throw err;
    throw new ConfigError([
      `${file}: YAML aliases expand too far (over ${MAX_ALIAS_COUNT} nodes an alias, the limit); not read`,
    ]);
  }
  if (value === null || value === undefined) return { file, doc, lines, value: {} };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError([`${file}:1: the configuration must be a mapping of keys (arch, rules, …)`]);
  }
  return { file, doc, lines, value: value as Record<string, unknown> };
}

/** Line of the YAML node at a JSON pointer, or of the key named `key` inside it. */
function locate(parsed: Parsed, pointer: string, key?: string): number {
  const segments = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const node = (segments.length ? parsed.doc.getIn(segments, true) : parsed.doc.contents) as Node | undefined;
  const last = segments.at(-1);
  if (key === undefined && typeof last === 'string') {
    // Point at the key that names a mapping, not at the mapping's first entry.
    return locate(parsed, `/${segments.slice(0, -1).join('/')}`.replace(/^\/$/, ''), last);
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
    if (pair && isScalar(pair.key)) return lineOf(parsed, pair.key.range?.[0]);
  }
  return lineOf(parsed, (node as { range?: [number, number, number] } | undefined)?.range?.[0]);
}

function describe(parsed: Parsed, error: ErrorObject, rules: readonly RuleSpec[]): string {
  const path = error.instancePath.split('/').slice(1).join('.') || '(top level)';
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      if (error.instancePath === '/rules') {
        return (
          `${parsed.file}:${locate(parsed, error.instancePath, key)}: rules: unknown rule '${key}'; ` +
          `expected one of: ${rules.map((r) => r.id).join(', ')}`
        );
      }
      const allowed = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      const hint = allowed.length ? `; expected one of: ${allowed.join(', ')}` : '';
      return `${parsed.file}:${locate(parsed, error.instancePath, key)}: ${path}: unknown key '${key}'${hint}`;
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
      return `${parsed.file}:${locate(parsed, error.instancePath)}: ${path}: expected one of ${allowed.join(', ')}`;
    }
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return `${parsed.file}:${locate(parsed, error.instancePath)}: ${path}: missing required key '${missing}'`;
    }
    case 'pattern':
      return `${parsed.file}:${locate(parsed, error.instancePath)}: ${path}: expected a C identifier`;
    default:
      return `${parsed.file}:${locate(parsed, error.instancePath)}: ${path}: ${error.message ?? 'invalid'}`;
  }
}

function checkSchema(parsed: Parsed, rules: readonly RuleSpec[]): string[] {
  const validate = validator(rules);
  if (validate(parsed.value)) return [];
  const problems = [...new Set((validate.errors ?? []).map((e) => describe(parsed, e, rules)))];
  const lineOfProblem = (p: string) => Number(p.slice(parsed.file.length + 1).split(':')[0]);
  return problems.sort((a, b) => lineOfProblem(a) - lineOfProblem(b));
}

/** The file whose top-level key `top` is in effect: a later file replaces the key whole. */
function ownerOf(parsed: Parsed[], top: string): Parsed {
  return [...parsed].reverse().find((p) => top in p.value) ?? parsed[0]!;
}

/**
 * What is wrong with a glob over tree paths, if anything. picomatch reads an unbalanced bracket,
 * brace or parenthesis as a literal character, so `drivers/[iommu` would silently match nothing.
 */
export function globProblem(glob: string): string | undefined {
  if (glob.startsWith('/')) return 'expected a glob relative to the tree root, without a leading /';
  if (/(^|[^\\])(\\\\)*\\$/.test(glob)) return 'ends with a lone backslash';
  try {
    picomatch.makeRe(glob, { strictBrackets: true });
    return undefined;
  } catch (err) {
    const message = (err as Error).message;
    const missing = /^Missing (opening|closing): "(.)"/.exec(message);
    if (!missing) return message;
    const [, which, c] = missing;
    // picomatch names the character that is missing: the closer of an open one, or the opener.
    const pairs: Record<string, string> = { ']': '[', '}': '{', ')': '(', '[': ']', '{': '}', '(': ')' };
    const lone = pairs[c!] ?? c!;
    return which === 'closing'
      ? `'${lone}' is never closed (write \\${lone} to match it literally)`
      : `'${lone}' closes nothing (write \\${lone} to match it literally)`;
  }
}

/** The bundled file by its name alone (its install path says nothing to a user), a user's as given. */
function rulesFileName(file: string): string {
  return file === DEFAULT_CONFIG_PATH ? 'rules.yaml' : file;
}

/** Checks the schema cannot express: references between keys, duplicated names, glob syntax. */
function checkMeaning(config: Config, parsed: Parsed[], archFrom: string | undefined): string[] {
  const problems: string[] = [];
  const where = (pointer: string): string => {
    const owner = ownerOf(parsed, pointer.split('/')[1]!);
    return `${owner.file}:${locate(owner, pointer)}`;
  };
  // Own properties only: `--arch toString` must not find Object.prototype.toString.
  const known = Object.hasOwn(config.architectures, config.arch);
  if (!known && archFrom !== undefined) {
    problems.push(
      `${archFrom}: not among the architectures ${rulesFileName(ownerOf(parsed, 'architectures').file)} knows ` +
        `(${Object.keys(config.architectures).join(', ')})`,
    );
  } else if (!known) {
    problems.push(
      `${where('/arch')}: arch: '${config.arch}' is not among architectures ` +
        `(${Object.keys(config.architectures).join(', ')})`,
    );
  }
  for (const [arch, { pairs }] of Object.entries(config.architectures)) {
    const seen = new Map<string, number>();
    pairs.forEach((pair, i) => {
      for (const role of ['setup', 'teardown'] as const) {
        const name = pair[role];
        const first = seen.get(name);
        if (first !== undefined) {
          problems.push(
            `${where(`/architectures/${arch}/pairs/${i}/${role}`)}: architectures.${arch}.pairs: '${name}' is ` +
              `named twice; a function belongs to one pair, in one role`,
          );
        } else seen.set(name, i);
      }
    });
  }
  config.opsPairs.forEach((pair, i) => {
    const both = pair.setup.filter((f) => pair.teardown.includes(f));
    for (const field of both) {
      problems.push(`${where(`/opsPairs/${i}`)}: opsPairs: field '${field}' is both setup and teardown`);
    }
  });
  config.entryPoints.forEach((entry, i) => {
    if (entry.events && entry.eventParam === undefined) {
      problems.push(
        `${where(`/entryPoints/${i}`)}: entryPoints.${i}: 'events' needs 'eventParam' (the index of the event ` +
          `parameter)`,
      );
    }
  });
  const entryNames = new Set(config.entryPoints.map((e) => e.name));
  // Checked where a user's file sets driverCore: a file that replaces only entryPoints leaves the
  // bundled steps naming entries it dropped, which then match nothing (and are not its mistake).
  const driverCoreOwn = ownerOf(parsed, 'driverCore') !== parsed[0];
  (driverCoreOwn ? config.driverCore : []).forEach((step, i) => {
    step.entries.forEach((name, j) => {
      if (!entryNames.has(name))
        problems.push(
          `${where(`/driverCore/${i}/entries/${j}`)}: driverCore.${i}.entries: '${name}' is not an entry point ` +
            `(entryPoints names)`,
        );
    });
  });
  // Suppressions add up over the files (suppressionsOf): each is named by its place in its own file.
  const ownSuppressions = parsed.flatMap((p) =>
    listOf(p.value.suppressions).map((_, k) => ({
      p,
      k,
      where: (rest: string) => `${p.file}:${locate(p, `/suppressions/${k}${rest}`)}`,
    })),
  );
  config.suppressions.forEach((s, i) => {
    const own = ownSuppressions[i]!;
    if (!s.reason.trim())
      problems.push(`${own.where('/reason')}: suppressions.${own.k}.reason: say why the finding is acceptable`);
  });
  const badGlob = (pointer: string, key: string, glob: string) => {
    const problem = globProblem(glob);
    if (problem) problems.push(`${where(pointer)}: ${key}: bad glob '${glob}': ${problem}`);
  };
  for (const kind of ['include', 'exclude'] as const) {
    config.paths[kind].forEach((glob, i) => badGlob(`/paths/${kind}/${i}`, `paths.${kind}.${i}`, glob));
  }
  config.suppressions.forEach((s, i) => {
    const own = ownSuppressions[i]!;
    const problem = globProblem(s.path);
    if (problem) problems.push(`${own.where('/path')}: suppressions.${own.k}.path: bad glob '${s.path}': ${problem}`);
  });
  config.apis.effects.forEach((api, i) => {
    for (const role of ['establishes', 'undoes'] as const) {
      api[role].forEach((kind, j) => {
        if (!(kind in config.states)) {
          const known = Object.keys(config.states).join(', ');
          problems.push(
            `${where(`/apis/effects/${i}/${role}/${j}`)}: apis.effects.${i}.${role}: '${kind}' is not among ` +
              `states (${known})`,
          );
        }
      });
    }
  });
  const apiNames = new Set<string>();
  for (const api of [...config.apis.setters, ...config.apis.effects]) {
    if (apiNames.has(api.name)) problems.push(`${where('/apis')}: apis: '${api.name}' is listed twice`);
    apiNames.add(api.name);
  }
  return problems;
}

/** What the command line (or an editor's settings) says over the files. */
export interface ConfigOverrides {
  arch?: string;
  /**
   * Where `arch` came from, as the user wrote it (`--arch sparc`), so an architecture the
   * files do not know is blamed on that, not on the `arch:` line it replaced.
   */
  archFrom?: string;
  /** Rule id → its level, or off (`--rule ID=off`); ids are checked by the caller. */
  rules?: Record<string, Level | 'off'>;
}

/** Every rule's settings: its defaults, then each file's settings for it, key by key. */
function mergedRules(
  rules: readonly RuleSpec[],
  parsed: Parsed[],
  overrides: ConfigOverrides['rules'] = {},
): Record<string, RuleSettings> {
  const out: Record<string, RuleSettings> = {};
  for (const rule of rules) {
    const id = rule.id;
    const fromFiles = parsed.map((p) => (p.value.rules as Record<string, object> | undefined)?.[id]);
    const settings = defaultSettings(rule);
    for (const set of fromFiles) Object.assign(settings, set);
    const override = overrides[id];
    if (override === 'off') settings.enabled = false;
    else if (override) Object.assign(settings, { enabled: true, level: override });
    out[id] = settings;
  }
  return out;
}

/**
 * Loads the bundled rules.yaml, with `userFile`'s top-level keys replacing its own (`rules` merged
 * per rule), for `rules` (rules/load-config.ts hands in the registry's).
 */
export interface LoadOptions {
  validateDefault?: boolean;
  /** The tree's own configuration (tree-config.ts), merged between the bundled file and `userFile`. */
  treeFile?: string;
}

/** A top-level list of a parsed file, or none. */
function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function loadConfigFor(
  rules: readonly RuleSpec[],
  userFile?: string,
  overrides: ConfigOverrides = {},
  options: LoadOptions = {},
): Config {
  const parsed = [parseFile(DEFAULT_CONFIG_PATH)];
  if (options.treeFile) parsed.push(parseFile(options.treeFile));
  if (userFile) parsed.push(parseFile(userFile));
  const problems = (options.validateDefault ? parsed : parsed.slice(1)).flatMap((p) => checkSchema(p, rules));
  if (problems.length) throw new ConfigError(problems);
  const merged: Record<string, unknown> = {};
  for (const p of parsed) Object.assign(merged, p.value);
  const missing = TOP_LEVEL_KEYS.filter((k) => !(k in merged));
  if (missing.length) throw new ConfigError([`${DEFAULT_CONFIG_PATH}: missing top-level keys: ${missing.join(', ')}`]);
  const config: Config = {
    ...(merged as unknown as Omit<Config, 'source'>),
    ...(overrides.arch ? { arch: overrides.arch } : {}),
    rules: mergedRules(rules, parsed, overrides.rules),
    source: userFile ?? options.treeFile ?? DEFAULT_CONFIG_PATH,
  };
  // Suppressions add up: the bundled file's, the tree's (.dmalint.yaml) and -c's. A stale one is
  // reported at its line, so each remembers where it is written.
  config.suppressions = parsed.flatMap((p) =>
    (listOf(p.value.suppressions) as Array<Omit<Suppression, 'at'>>).map((s, k) => ({
      ...s,
      at: { file: p.file, line: locate(p, `/suppressions/${k}`) },
    })),
  );
  const archFrom = overrides.arch ? (overrides.archFrom ?? `--arch ${overrides.arch}`) : undefined;
  const meaning = checkMeaning(config, parsed, archFrom);
  if (meaning.length) throw new ConfigError(meaning);
  return config;
}
