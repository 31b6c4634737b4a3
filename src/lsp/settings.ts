// What the client configures: the same settings as the command line's --config, --kconfig,
// --arch, --cache-dir/--no-cache and --jobs, as initializationOptions and as the `dmalint`
// section of workspace/configuration (which wins, key by key).
import path from 'node:path';

export interface Settings {
  config?: string;
  kconfig?: string;
  arch?: string;
  /** false: no cache (the command line's --no-cache). */
  cacheDir?: string | false;
  jobs?: number;
}

/** The settings the server reads, in initializationOptions and the `dmalint` configuration section. */
export const SETTING_KEYS = ['config', 'kconfig', 'arch', 'cacheDir', 'jobs'] as const;

/**
 * The settings in `raw`, relative paths resolved against `base` (the tree root); one line per
 * value of the wrong kind in `problems`, that value ignored.
 */
export function readSettings(raw: unknown, base: string, problems: string[]): Settings {
  const out: Settings = {};
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push('settings: expected an object with config, kconfig, arch, cacheDir, jobs');
    return out;
  }
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!(SETTING_KEYS as readonly string[]).includes(key))
      problems.push(`settings: unknown key '${key}'; expected one of: ${SETTING_KEYS.join(', ')}`);
  }
  const text = (key: (typeof SETTING_KEYS)[number]): string | undefined => {
    const v = obj[key];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'string') return v;
    problems.push(`settings: ${key}: expected a string`);
    return undefined;
  };
  const file = (key: 'config' | 'kconfig') => {
    const v = text(key);
    return v === undefined ? undefined : path.resolve(base, v);
  };
  const config = file('config');
  if (config !== undefined) out.config = config;
  const kconfig = file('kconfig');
  if (kconfig !== undefined) out.kconfig = kconfig;
  const arch = text('arch');
  if (arch !== undefined) out.arch = arch;
  if (obj.cacheDir === false) out.cacheDir = false;
  else {
    const dir = text('cacheDir');
    if (dir !== undefined) out.cacheDir = path.resolve(base, dir);
  }
  if (obj.jobs !== undefined && obj.jobs !== null) {
    if (typeof obj.jobs === 'number' && Number.isInteger(obj.jobs) && obj.jobs >= 0 && obj.jobs <= 1024)
      out.jobs = obj.jobs;
    else problems.push('settings: jobs: expected a whole number from 0 to 1024');
  }
  return out;
}
