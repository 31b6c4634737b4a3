// Regenerates the rules section of README.md from the rules' metadata.
import { readFileSync, writeFileSync } from 'node:fs';
import { withRulesSection } from '../dist/src/rules/docs.js';

const file = new URL('../README.md', import.meta.url);
writeFileSync(file, withRulesSection(readFileSync(file, 'utf8')));
