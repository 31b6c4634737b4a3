// The rules file read for this registry's rules: config/load.ts knows rules only by the
// metadata it is handed, so that the configuration sits below the rules it configures.
import { type ConfigOverrides, type LoadOptions, loadConfigFor } from '../config/load.js';
import type { Config } from '../config/types.js';
import { RULE_SPECS } from './index.js';

/** Loads the bundled rules.yaml, with the tree's file and `userFile` over it (config/load.ts loadConfigFor). */
export function loadConfig(userFile?: string, overrides: ConfigOverrides = {}, options: LoadOptions = {}): Config {
  return loadConfigFor(RULE_SPECS, userFile, overrides, options);
}
