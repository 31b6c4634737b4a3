import type { Rule } from './rule.js';
import { asymmetricTeardown } from './asymmetric-teardown.js';
import { attachBeforeSetup } from './attach-before-setup.js';
import { errorPathLeavesDmaState } from './error-path-leaves-dma-state.js';
import { setDmaOpsOutsideSetupTeardown } from './set-dma-ops-outside-setup-teardown.js';

/** Every rule, in the README's order (SARIF's rules[] lists them by id, for stable diffs of logs). */
export const RULES: readonly Rule[] = [
  setDmaOpsOutsideSetupTeardown,
  attachBeforeSetup,
  asymmetricTeardown,
  errorPathLeavesDmaState,
];
