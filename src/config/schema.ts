import { RULE_IDS } from '../model.js';

// JSON schema of rules.yaml. Every object is closed (additionalProperties: false) so that a
// misspelt key is an error with its line instead of a setting silently ignored.
const identifier = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } as const;
const identifiers = { type: 'array', items: identifier } as const;
const phase = { enum: ['before-setup', 'setup', 'after-setup', 'teardown', 'anytime'] } as const;
const stateKinds = { type: 'array', items: { enum: ['ops', 'attach', 'mapping'] }, uniqueItems: true } as const;
const level = { enum: ['error', 'warning', 'note'] } as const;
const globs = { type: 'array', items: { type: 'string', minLength: 1 } } as const;

const ruleSettings = {
  type: 'object',
  additionalProperties: false,
  required: ['enabled', 'level'],
  properties: { enabled: { type: 'boolean' }, level },
} as const;

export const configSchema = {
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
      properties: { include: globs, exclude: globs },
    },
    parser: {
      type: 'object',
      additionalProperties: false,
      required: ['exportMacros', 'blank', 'blankWithArgs'],
      properties: { exportMacros: identifiers, blank: identifiers, blankWithArgs: identifiers },
    },
    device: {
      type: 'object',
      additionalProperties: false,
      required: ['structs', 'opsMember', 'containers'],
      properties: {
        structs: { ...identifiers, minItems: 1 },
        opsMember: identifier,
        containers: { type: 'object', additionalProperties: identifier },
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
          eventParam: { type: 'integer', minimum: 0 },
          events: { type: 'object', additionalProperties: phase },
        },
      },
    },
    rules: {
      type: 'object',
      additionalProperties: false,
      properties: {
        'set-dma-ops-outside-setup-teardown': ruleSettings,
        'attach-before-setup': {
          ...ruleSettings,
          required: ['enabled', 'level', 'calls'],
          properties: { ...ruleSettings.properties, calls: { ...identifiers, minItems: 1 } },
        },
        'asymmetric-teardown': ruleSettings,
        'error-path-leaves-dma-state': {
          ...ruleSettings,
          required: ['enabled', 'level', 'entries', 'functions', 'devmActions', 'opsGetters'],
          properties: {
            ...ruleSettings.properties,
            entries: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*$' } },
            functions: identifiers,
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
          },
        },
      },
    },
    suppressions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['rule', 'path', 'reason'],
        properties: {
          rule: { enum: RULE_IDS },
          path: { type: 'string', minLength: 1 },
          function: identifier,
          reason: { type: 'string', minLength: 1 },
        },
      },
    },
  },
} as const;
