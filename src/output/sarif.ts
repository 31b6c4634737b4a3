import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { Location, Notification, PathStep, RelatedLocation } from '../model.js';
import { type RuleMeta, placeholderNames } from '../rules/rule.js';
import { compareFindings, compareNotifications, compareText as cmpStr } from '../order.js';
import { type ReportedFinding, fingerprintKeyOf, fingerprintOf } from './reported.js';
import { alsoLine, byCause } from './causes.js';

export type ArtifactRole = NonNullable<Sarif.Artifact['roles']>[number];

export interface SarifInput {
  findings: ReportedFinding[];
  notifications: Notification[];
  rules: RuleMeta[];
  /** Absolute path of the scanned tree root. */
  rootDir: string;
  toolVersion: string;
  commandLine?: string;
  exitCode?: number;
  /** Roles the caller knows of (a patch's added or deleted files, the rules file), by file. */
  artifactRoles?: ReadonlyMap<string, readonly ArtifactRole[]>;
}

const SRCROOT = 'SRCROOT';

// ---- URIs ----

/**
 * Relative '/'-separated path → URI reference; encodeURIComponent also escapes ':' so a segment never reads as a
 * scheme.
 */
export function relativeUri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

/** The file an artifact URI names: a tree path for a relative URI, an absolute path for a file: URI. */
export function fileOfUri(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri.split('/').map(decodeURIComponent).join('/');
}

/** Files outside the tree (a rules file given with --config) have absolute paths and no uriBaseId. */
function artifactUri(file: string): Sarif.ArtifactLocation {
  return path.isAbsolute(file) ? { uri: pathToFileURL(file).href } : { uri: relativeUri(file), uriBaseId: SRCROOT };
}

function rootUri(rootDir: string): string {
  const href = pathToFileURL(rootDir).href;
  // Without the trailing slash, resolving a relative uri against it would drop the last segment.
  return href.endsWith('/') ? href : `${href}/`;
}

// ---- building blocks ----

/** Every file the log mentions, once, with what it is to the analysis (the artifact's roles). */
class Artifacts {
  private readonly index = new Map<string, number>();
  private readonly entries: Sarif.Artifact[];

  constructor(files: ReadonlyMap<string, ReadonlySet<ArtifactRole>>) {
    const byUri = new Map<string, { location: Sarif.ArtifactLocation; roles: Set<ArtifactRole> }>();
    for (const [file, roles] of files) {
      const location = artifactUri(file);
      const entry = byUri.get(location.uri!) ?? { location, roles: new Set<ArtifactRole>() };
      for (const role of roles) entry.roles.add(role);
      byUri.set(location.uri!, entry);
    }
    this.entries = [...byUri.keys()].sort(cmpStr).map((uri, i) => {
      this.index.set(uri, i);
      const { location, roles } = byUri.get(uri)!;
      // A file named only by a notification was still read as part of the analysis.
      return { location, roles: roles.size ? [...roles].sort(cmpStr) : ['analysisTarget'] };
    });
  }

  list(): Sarif.Artifact[] {
    return this.entries;
  }

  location(file: string): Sarif.ArtifactLocation {
    const location = artifactUri(file);
    const index = this.index.get(location.uri!);
    if (index === undefined) throw new Error(`artifact not collected: ${file}`);
    return { ...location, index };
  }
}

function region(l: Location): Sarif.Region {
  const r: Sarif.Region = { startLine: l.line, startColumn: l.col };
  if (l.endLine !== undefined) r.endLine = l.endLine;
  if (l.endCol !== undefined) r.endColumn = l.endCol;
  return r;
}

function physical(artifacts: Artifacts, l: Location): Sarif.PhysicalLocation {
  return { artifactLocation: artifacts.location(l.file), region: region(l) };
}

function functionLocation(name: string): Sarif.LogicalLocation[] {
  return [{ name, kind: 'function' }];
}

/**
 * A rule's `{{name}}` template in SARIF's message-string syntax: numbered placeholders `{0}`
 * in order of first use, literal braces doubled, and a closing period (SARIF asks for
 * complete sentences).
 */
export function sarifMessageString(template: string): string {
  const names = placeholderNames(template);
  const text = template
    .split(/(\{\{\s*\w+\s*\}\})/)
    .map((part, i) => {
      if (i % 2 === 0) return part.replace(/[{}]/g, (brace) => brace + brace);
      return `{${names.indexOf(part.slice(2, -2).trim())}}`;
    })
    .join('');
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function ruleDescriptor(meta: RuleMeta): Sarif.ReportingDescriptor {
  const messageStrings: Record<string, Sarif.MultiformatMessageString> = {};
  for (const id of Object.keys(meta.messages).sort(cmpStr)) {
    messageStrings[id] = { text: sarifMessageString(meta.messages[id] as string) };
  }
  return {
    id: meta.id,
    name: meta.name,
    shortDescription: { text: meta.shortDescription },
    fullDescription: { text: meta.fullDescription },
    messageStrings,
    help: { text: meta.help.text, markdown: meta.help.markdown },
    defaultConfiguration: { level: meta.defaultLevel },
    properties: { tags: [...meta.tags], precision: meta.precision },
  };
}

/**
 * Calls go down and may come back up: a step in a function already on the chain
 * returns to it, any other function is entered one level deeper.
 */
function nestingLevels(path: PathStep[]): number[] {
  const stack: string[] = [];
  return path.map((step) => {
    const at = stack.lastIndexOf(step.function);
    if (at >= 0) stack.length = at + 1;
    else stack.push(step.function);
    return stack.length - 1;
  });
}

/**
 * The result's message: its text, which consumers show (§3.11.7: text first), and beside it the
 * id of the rule's message string with the data as `arguments`, numbered as sarifMessageString
 * numbers the placeholders (§3.11.10-11). Both only when every placeholder has a value: a result
 * carried over from a baseline log knows its text alone. The text keeps what the template does
 * not say (the "(only with CONFIG_…)" note).
 */
function resultMessage(f: ReportedFinding, meta: RuleMeta | undefined): Sarif.Message {
  const template = meta?.messages[f.messageId];
  if (template === undefined) return { text: f.message };
  const args = placeholderNames(template).map((name) => f.messageData[name]);
  if (args.some((a) => a === undefined)) return { text: f.message };
  return { text: f.message, id: f.messageId, ...(args.length ? { arguments: args as string[] } : {}) };
}

/**
 * Another rule's finding of the same cause (output/causes.ts), as the result it would have been:
 * enough for a baseline to match it by its own fingerprint, and for a reader to see its view.
 */
function foldedResult(
  f: ReportedFinding,
  rules: RuleMeta[],
  ruleIndex: Map<string, number>,
  artifacts: Artifacts,
): Sarif.Result {
  const index = ruleIndex.get(f.ruleId);
  return {
    ruleId: f.ruleId,
    ...(index === undefined ? {} : { ruleIndex: index }),
    level: f.level,
    message: resultMessage(f, index === undefined ? undefined : rules[index]),
    locations: [{ physicalLocation: physical(artifacts, f.location), logicalLocations: functionLocation(f.function) }],
    partialFingerprints: { [fingerprintKeyOf(f)]: fingerprintOf(f) },
  };
}

function result(
  f: ReportedFinding,
  rules: RuleMeta[],
  ruleIndex: Map<string, number>,
  artifacts: Artifacts,
  also: readonly ReportedFinding[] = [],
): Sarif.Result {
  const index = ruleIndex.get(f.ruleId);
  const r: Sarif.Result = {
    ruleId: f.ruleId,
    ...(index === undefined ? {} : { ruleIndex: index }),
    level: f.level,
    message: resultMessage(f, index === undefined ? undefined : rules[index]),
    locations: [{ physicalLocation: physical(artifacts, f.location), logicalLocations: functionLocation(f.function) }],
  };

  if (f.path.length > 0) {
    const levels = nestingLevels(f.path);
    r.codeFlows = [
      {
        threadFlows: [
          {
            locations: f.path.map((step, i) => ({
              location: {
                physicalLocation: physical(artifacts, step),
                logicalLocations: functionLocation(step.function),
                message: { text: step.message },
              },
              nestingLevel: levels[i] as number,
              executionOrder: i + 1,
            })),
          },
        ],
      },
    ];
  }

  // Viewers without codeFlow support still show the path through relatedLocations, and the
  // other rules' views of the same cause after it.
  const related: Array<PathStep | RelatedLocation> = [
    ...f.path,
    ...f.related,
    ...also.map((o) => ({ ...o.location, message: alsoLine(o) })),
  ];
  if (related.length > 0) {
    r.relatedLocations = related.map((l, i) => ({
      id: i + 1,
      physicalLocation: physical(artifacts, l),
      message: { text: l.message },
    }));
  }

  r.partialFingerprints = { [fingerprintKeyOf(f)]: fingerprintOf(f) };
  if (f.baselineState !== undefined) r.baselineState = f.baselineState;
  if (f.suppression !== undefined) {
    const { reason, at } = f.suppression;
    r.suppressions = [
      {
        kind: 'external',
        status: 'accepted',
        justification: reason,
        location: {
          physicalLocation: { artifactLocation: artifacts.location(at.file), region: { startLine: at.line } },
        },
      },
    ];
  }
  const properties: Record<string, unknown> = {};
  if (also.length > 0) properties.alsoReportedBy = also.map((o) => foldedResult(o, rules, ruleIndex, artifacts));
  if (f.conditions.length > 0) properties.conditions = [...f.conditions];
  if (f.configurations) properties.configurations = [...f.configurations];
  if (f.routing) {
    // get_maintainer.pl's lines, `Name <address> (role:SECTION)`, split as a mailer wants them.
    const line = (c: { address: string; role: string }) => `${c.address} (${c.role})`;
    properties.maintainers = f.routing.people.filter((c) => !c.role.startsWith('reviewer:')).map(line);
    properties.reviewers = f.routing.people.filter((c) => c.role.startsWith('reviewer:')).map(line);
    properties.lists = f.routing.lists.map(line);
    properties.maintainerSections = [...f.routing.sections];
  }
  if (Object.keys(properties).length > 0) r.properties = properties;
  return r;
}

function toolNotification(n: Notification, artifacts: Artifacts): Sarif.Notification {
  const out: Sarif.Notification = { level: n.level, message: { text: n.message } };
  if (n.file !== undefined) {
    const physicalLocation: Sarif.PhysicalLocation = { artifactLocation: artifacts.location(n.file) };
    if (n.line !== undefined) physicalLocation.region = { startLine: n.line };
    out.locations = [{ physicalLocation }];
  }
  return out;
}

// ---- the log ----

export function renderSarif(input: SarifInput): Sarif.Log {
  const rules = [...input.rules].sort((a, b) => cmpStr(a.id, b.id));
  const ruleIndex = new Map<string, number>();
  rules.forEach((meta, i) => {
    if (ruleIndex.has(meta.id)) throw new Error(`duplicate rule metadata: ${meta.id}`);
    ruleIndex.set(meta.id, i);
  });

  const findings = [...input.findings].sort(compareFindings);
  const reports = byCause(findings);
  const notifications = [...input.notifications].sort(compareNotifications);

  const files = new Map<string, Set<ArtifactRole>>();
  const mention = (file: string, role?: ArtifactRole) => {
    const roles = files.get(file) ?? new Set<ArtifactRole>();
    for (const known of input.artifactRoles?.get(file) ?? []) roles.add(known);
    if (role) roles.add(role);
    files.set(file, roles);
  };
  for (const f of findings) {
    mention(f.location.file, 'resultFile');
    for (const l of [...f.path, ...f.related]) mention(l.file, 'tracedFile');
    if (f.suppression) mention(f.suppression.at.file);
  }
  for (const n of notifications) if (n.file !== undefined) mention(n.file);
  const artifacts = new Artifacts(files);

  const invocation: Sarif.Invocation = {
    executionSuccessful: !notifications.some((n) => n.level === 'error'),
  };
  if (input.commandLine !== undefined) invocation.commandLine = input.commandLine;
  if (input.exitCode !== undefined) invocation.exitCode = input.exitCode;
  invocation.toolExecutionNotifications = notifications.map((n) => toolNotification(n, artifacts));

  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'dmalint',
            version: input.toolVersion,
            semanticVersion: input.toolVersion,
            informationUri: 'https://github.com/dmalint/dmalint',
            rules: rules.map(ruleDescriptor),
          },
        },
        automationDetails: { id: 'dmalint/' },
        invocations: [invocation],
        originalUriBaseIds: { [SRCROOT]: { uri: rootUri(input.rootDir) } },
        artifacts: artifacts.list(),
        // The model counts columns in characters, not UTF-16 code units.
        // Columns are JavaScript string offsets, as tree-sitter reports them for a JS string.
        columnKind: 'utf16CodeUnits',
        results: reports.map((c) => result(c.finding, rules, ruleIndex, artifacts, c.alsoReportedBy)),
      },
    ],
  };
}
