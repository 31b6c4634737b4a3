// Schema fragments shared by rules.yaml's schema (schema.ts) and the rules' own options
// (rules/*.ts: meta.options.schema), which schema.ts assembles from the registry.
export const identifier = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } as const;
export const identifiers = { type: 'array', items: identifier } as const;
export const level = { enum: ['error', 'warning', 'note'] } as const;
