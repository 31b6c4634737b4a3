// Reads the findings of an earlier dmalint SARIF log (--baseline), back into the model so
// that those no longer found can be reported again as absent.
import type * as Sarif from 'sarif';
import { LineCounter, parseDocument } from 'yaml';
import { fsErrorText, UsageError } from '../errors.js';
import type { Level, PathStep } from '../model.js';
import { FINGERPRINT_KEY, FINGERPRINT_KEY_V1 } from '../output/fingerprint.js';
import type { ReportedFinding } from '../output/reported.js';
import { fileOfUri } from '../output/sarif.js';
import { readRegularText } from '../fs/read.js';

/** A baseline larger than this is not read: V8's strings end at 512 MiB (100 MB reads in seconds). */
const MAX_BASELINE_SIZE = 256 * 1024 * 1024;
/** Where in the log a problem is, as a JSON path: `runs[0].results[3].locations`. */
type Where = string;

class BadBaseline extends Error {
  constructor(
    readonly where: Where,
    what: string,
  ) {
    super(what);
  }
}

function need<T>(value: T | undefined | null, where: Where, what: string): T {
  if (value === undefined || value === null) throw new BadBaseline(where, what);
  return value;
}

/**
 * The line of a JSON syntax error. JSON.parse names an offset for some errors only; for the
 * rest, the YAML parser (JSON is YAML) usually points at the same place.
 */
function syntaxErrorLine(text: string, err: SyntaxError): number | undefined {
  const offset = /\bposition (\d+)/.exec(err.message)?.[1];
  if (offset !== undefined) return text.slice(0, Number(offset)).split('\n').length;
  const lines = new LineCounter();
  const yamlError = parseDocument(text, { lineCounter: lines }).errors[0];
  return yamlError ? lines.linePos(yamlError.pos[0]).line : undefined;
}

function location(l: Sarif.Location | undefined, where: Where): { file: string; line: number; col: number } {
  const physical = need(l?.physicalLocation, where, 'no physicalLocation');
  const uri = need(physical.artifactLocation?.uri, `${where}.physicalLocation`, 'no artifactLocation.uri');
  return { file: fileOfUri(uri), line: physical.region?.startLine ?? 1, col: physical.region?.startColumn ?? 1 };
}

function finding(r: Sarif.Result, where: Where): ReportedFinding {
  // A log written before v2 has only the v1 identity, by which current results are then compared.
  const v2 = r.partialFingerprints?.[FINGERPRINT_KEY];
  const v1 = r.partialFingerprints?.[FINGERPRINT_KEY_V1];
  const fingerprint = v2 ?? v1;
  if (typeof fingerprint !== 'string') throw new BadBaseline(where, `no partialFingerprints["${FINGERPRINT_KEY}"]`);
  const primary = r.locations?.[0];
  const steps = r.codeFlows?.[0]?.threadFlows?.[0]?.locations ?? [];
  const path = steps.map((step, i): PathStep => {
    const at = `${where}.codeFlows[0].threadFlows[0].locations[${i}].location`;
    return {
      ...location(step.location, at),
      function: step.location?.logicalLocations?.[0]?.name ?? '',
      message: step.location?.message?.text ?? '',
    };
  });
  return {
    ruleId: need(r.ruleId, where, 'no ruleId'),
    level: (r.level ?? 'warning') as Level,
    messageId: r.message?.id ?? '',
    message: need(r.message?.text, `${where}.message`, 'no text'),
    // Compared by fingerprint and shown by its text: the data is not read back.
    messageData: {},
    location: location(primary, `${where}.locations[0]`),
    function: primary?.logicalLocations?.[0]?.name ?? '',
    path,
    related: [],
    conditions: Array.isArray(r.properties?.conditions) ? (r.properties.conditions as string[]) : [],
    kind: '',
    site: '',
    fingerprint,
    ...(v2 === undefined ? { fingerprintVersion: 1 as const } : {}),
  };
}

/**
 * The findings an earlier run reported, from every dmalint run in the log. Results it already
 * marked absent are history and skipped. Any problem is a UsageError naming the file and
 * the line (JSON syntax) or the JSON path (structure).
 */
export function readBaseline(file: string): ReportedFinding[] {
  let text: string;
  try {
    text = readRegularText(file, { limit: MAX_BASELINE_SIZE, limitName: 'the baseline limit' });
  } catch (err) {
    throw new UsageError(`${file}: cannot read the baseline: ${fsErrorText(err)}`);
  }
  let log: Sarif.Log;
  try {
    // Editors on Windows write a byte-order mark; JSON itself has none.
    log = JSON.parse(text.replace(/^\ufeff/, '')) as Sarif.Log;
  } catch (err) {
    const line = syntaxErrorLine(text, err as SyntaxError);
    throw new UsageError(
      `${file}${line ? `:${line}` : ''}: the baseline is not JSON: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  try {
    if (typeof log !== 'object' || log === null || !Array.isArray(log.runs))
      throw new BadBaseline('(top level)', 'not a SARIF log (no runs)');
    const runs = log.runs.map((run, i) => ({ run, i })).filter(({ run }) => run?.tool?.driver?.name === 'dmalint');
    if (runs.length === 0) throw new BadBaseline('runs', 'no run of dmalint');
    return runs.flatMap(({ run, i }) => {
      const results: unknown = run.results ?? [];
      if (!Array.isArray(results)) throw new BadBaseline(`runs[${i}].results`, 'not a list of results');
      return (results as Sarif.Result[]).flatMap((r, j) => {
        const where = `runs[${i}].results[${j}]`;
        if (typeof r !== 'object' || r === null) throw new BadBaseline(where, 'not a result');
        if (r.baselineState === 'absent') return [];
        try {
          // Other rules' findings of the same cause, folded into this result (output/causes.ts).
          const folded: unknown = (r.properties as { alsoReportedBy?: unknown } | undefined)?.alsoReportedBy ?? [];
          if (!Array.isArray(folded))
            throw new BadBaseline(`${where}.properties.alsoReportedBy`, 'not a list of results');
          return [
            finding(r, where),
            ...(folded as Sarif.Result[]).map((x, k) => finding(x, `${where}.properties.alsoReportedBy[${k}]`)),
          ];
        } catch (err) {
          // A value of the wrong type deep in a result: say where, not what JavaScript tripped on.
          if (err instanceof TypeError) throw new BadBaseline(where, 'a value of the wrong type in it');
          throw err;
        }
      });
    });
  } catch (err) {
    if (err instanceof BadBaseline)
      throw new UsageError(
        `${file}: ${err.where}: ${err.message}; expected a SARIF log written by dmalint --format sarif`,
      );
    if (err instanceof TypeError || err instanceof URIError)
      throw new UsageError(
        `${file}: malformed SARIF (${err.message}); expected a SARIF log written by dmalint --format sarif`,
      );
    throw err;
  }
}
