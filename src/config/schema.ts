import { identifier, identifiers, level } from './schema-parts.js';
import type { RuleSpec } from './types.js';

// JSON schema of rules.yaml. Every object is closed (additionalProperties: false) so that a
// misspelt key is an error with its line instead of a setting silently ignored.
// Two phases, because the rules tell two apart: what runs before the architecture's setup (an
// ops write or attach there is lost or premature) and what runs once it has (it is not).
const phase = { enum: ['before-setup', 'after-setup'] } as const;
// Kinds of state are keys of `states`: load.ts checks the references.
const stateKinds = { type: 'array', items: identifier, uniqueItems: true } as const;
const words = { type: 'string', minLength: 1 } as const;
const stateWords = {
  type: 'object',
  additionalProperties: false,
  required: ['establish', 'undo', 'noun', 'held'],
  properties: { establish: words, undo: words, noun: words, held: words },
} as const;
const globs = { type: 'array', items: { type: 'string', minLength: 1 } } as const;

// Each rule's settings: enabled and level, and the options its module declares (meta.options).
// Nothing is required: a rules file sets what it changes, the rest keeps the rule's defaults.
const rulesSchema = (rules: readonly RuleSpec[]) => ({
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(
    rules.map((rule) => [
      rule.id,
      {
        type: 'object',
        additionalProperties: false,
        properties: { enabled: { type: 'boolean' }, level, ...rule.options?.schema },
      },
    ]),
  ),
});

/** The schema of a rules file for these rules. */
export const configSchema = (rules: readonly RuleSpec[]) =>
  ({
    type: 'object',
    additionalProperties: false,
    properties: {
      arch: identifier,
      architectures: {
        type: 'object',
        additionalProperties: {
          type: 'object',
          additionalProperties: false,
          required: ['pairs'],
          properties: {
            pairs: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['setup', 'teardown'],
                properties: { setup: identifier, teardown: identifier },
              },
            },
          },
        },
      },
      paths: {
        type: 'object',
        additionalProperties: false,
        required: ['include', 'exclude'],
        properties: { include: globs, exclude: globs, archDir: { type: 'string', pattern: '^[^/]+(/[^/]+)*$' } },
      },
      parser: {
        type: 'object',
        additionalProperties: false,
        required: ['exportMacros', 'blank', 'blankWithArgs', 'configTests'],
        properties: {
          exportMacros: identifiers,
          blank: identifiers,
          blankWithArgs: identifiers,
          configTests: {
            type: 'object',
            propertyNames: identifier,
            additionalProperties: {
              type: 'object',
              additionalProperties: false,
              required: ['y', 'm'],
              properties: { y: { enum: [true, false, 'unknown'] }, m: { enum: [true, false, 'unknown'] } },
            },
          },
        },
      },
      device: {
        type: 'object',
        additionalProperties: false,
        required: ['structs', 'opsMember', 'containers'],
        properties: {
          structs: { ...identifiers, minItems: 1 },
          opsMember: identifier,
          containers: { type: 'object', additionalProperties: identifier },
          allocators: identifiers,
          firmwareLinks: {
            type: 'object',
            additionalProperties: false,
            required: ['members', 'calls'],
            properties: { members: identifiers, calls: identifiers },
          },
        },
      },
      apis: {
        type: 'object',
        additionalProperties: false,
        required: ['setters', 'effects'],
        properties: {
          setters: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name', 'deviceArg', 'opsArg'],
              properties: {
                name: identifier,
                deviceArg: { type: 'integer', minimum: 0 },
                opsArg: { type: 'integer', minimum: 0 },
              },
            },
          },
          effects: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name', 'establishes', 'undoes'],
              properties: { name: identifier, establishes: stateKinds, undoes: stateKinds },
            },
          },
        },
      },
      undo: {
        type: 'object',
        additionalProperties: false,
        required: ['devmActions', 'opsGetters'],
        properties: {
          devmActions: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name', 'callbackArg'],
              properties: { name: identifier, callbackArg: { type: 'integer', minimum: 0 } },
            },
          },
          opsGetters: identifiers,
          attachGetters: identifiers,
        },
      },
      states: {
        type: 'object',
        propertyNames: identifier,
        required: ['ops'],
        properties: { ops: stateWords },
        additionalProperties: stateWords,
      },
      values: {
        type: 'object',
        additionalProperties: false,
        required: ['nullOnFailure'],
        properties: { nullOnFailure: identifiers },
      },
      memberCalls: {
        type: 'object',
        additionalProperties: false,
        required: ['interfaces', 'maxHolders'],
        properties: {
          interfaces: { type: 'array', items: { type: 'string', minLength: 1 } },
          maxHolders: { type: 'integer', minimum: 1 },
        },
      },
      opsPairs: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['setup', 'teardown'],
          properties: {
            struct: identifier,
            setup: { ...identifiers, minItems: 1 },
            teardown: { ...identifiers, minItems: 1 },
          },
        },
      },
      entryPoints: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'field', 'phase', 'when'],
          properties: {
            name: { type: 'string', minLength: 1 },
            struct: identifier,
            field: identifier,
            phase,
            when: { type: 'string', minLength: 1 },
            afterFailure: { type: 'string', minLength: 1 },
            eventParam: { type: 'integer', minimum: 0 },
            events: { type: 'object', additionalProperties: phase },
          },
        },
      },
      driverCore: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['function', 'call', 'after', 'entries'],
          properties: {
            function: identifier,
            call: identifier,
            after: { enum: ['failure', 'return'] },
            entries: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
          },
        },
      },
      rules: rulesSchema(rules),
      suppressions: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['rule', 'path', 'reason'],
          properties: {
            rule: { enum: rules.map((r) => r.id) },
            path: { type: 'string', minLength: 1 },
            function: identifier,
            reason: { type: 'string', minLength: 1 },
          },
        },
      },
    },
  }) as const;
