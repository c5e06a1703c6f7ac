/**
 * Request-body validation against Discord's own OpenAPI 3.1 description (discord-api-spec, vendored in
 * `spec/discord-openapi.json`; see `spec/README.md`).
 *
 * The spec is big (≈1 MB, thousands of schemas) but each operation's request schema only reaches a
 * small part of it, so we register the whole document once and compile per operation on first use,
 * caching the result per file for every sandbox in the process. That keeps `startSandbox()` fast.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv as AjvCore, ErrorObject, Options, ValidateFunction } from 'ajv';
import type { LimitIssue } from './limits.ts';

// ajv and ajv-formats are CommonJS with `exports.default`; createRequire sidesteps the ESM interop
// differences between tsx, vitest and tsc.
const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020').default as new (opts: Options) => AjvCore;
const addFormats = require('ajv-formats').default as (ajv: AjvCore) => AjvCore;

const DOC_ID = 'discord-openapi.json';

/** discord.js sends permission bitfields as strings where the spec says integer. */
const PERMISSION_FIELDS = new Set(['default_member_permissions', 'permissions', 'allow', 'deny']);

export class OpenApiValidator {
  private static readonly cache = new Map<string, OpenApiValidator>();
  private readonly ajv: AjvCore;
  private readonly compiled = new Map<string, ValidateFunction | null>();

  private constructor(private readonly spec: any) {
    this.ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: false, logger: false });
    addFormats(this.ajv);
    // Discord's custom formats. Most sit next to a pattern or min/max that carries the same rule;
    // checking them here as well costs nothing and catches the ones that do not.
    this.ajv.addFormat('snowflake', { type: 'string', validate: (s: string) => /^(0|[1-9][0-9]*)$/.test(s) });
    this.ajv.addFormat('nonce', { type: 'string', validate: (s: string) => s.length <= 25 });
    this.ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
    this.ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
    this.ajv.addFormat('double', { type: 'number', validate: (n: number) => Number.isFinite(n) });
    this.ajv.addSchema({ ...spec, $id: DOC_ID });
  }

  /** Shared per file; throws if the file cannot be read or parsed, or is not an OpenAPI description with paths. */
  static forFile(file: string): OpenApiValidator {
    let v = OpenApiValidator.cache.get(file);
    if (!v) {
      const spec: unknown = JSON.parse(readFileSync(file, 'utf8'));
      const doc = spec as { openapi?: unknown; paths?: unknown } | null;
      if (!doc || typeof doc !== 'object' || typeof doc.openapi !== 'string' || !doc.paths || typeof doc.paths !== 'object') {
        throw new Error('not an OpenAPI description (no "openapi" version or no "paths")');
      }
      v = new OpenApiValidator(spec);
      OpenApiValidator.cache.set(file, v);
    }
    return v;
  }

  /**
   * Validates `body` against the JSON request schema of `method specPath` (e.g. `post`,
   * `/channels/{channel_id}/messages`), or against a named component schema when given.
   * Returns [] when valid or when the operation has no JSON request body in the spec.
   */
  validate(specPath: string, method: string, body: unknown, componentSchema?: string): LimitIssue[] {
    const key = componentSchema ? `#${componentSchema}` : `${method} ${specPath}`;
    let fn = this.compiled.get(key);
    if (fn === undefined) {
      fn = this.compile(specPath, method, componentSchema);
      this.compiled.set(key, fn);
    }
    if (!fn) return [];
    if (fn(coercePermissionStrings(body))) return [];
    return toIssues(fn.errors ?? []);
  }

  private compile(specPath: string, method: string, componentSchema?: string): ValidateFunction | null {
    if (componentSchema) return this.ajv.compile({ $ref: `${DOC_ID}#/components/schemas/${componentSchema}` });
    const schema = this.spec.paths?.[specPath]?.[method.toLowerCase()]?.requestBody?.content?.['application/json']?.schema;
    if (!schema) return null;
    return this.ajv.compile(rebaseRefs(schema));
  }
}

/** The operation's schema is compiled outside the document, so point its local refs into it. */
function rebaseRefs(node: any): any {
  if (Array.isArray(node)) return node.map(rebaseRefs);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? DOC_ID + v : rebaseRefs(v);
  }
  return out;
}

function coercePermissionStrings(node: any): any {
  if (Array.isArray(node)) return node.map(coercePermissionStrings);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    // Number() loses precision above 2^53, which is irrelevant for a type/range check.
    out[k] = PERMISSION_FIELDS.has(k) && typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : coercePermissionStrings(v);
  }
  return out;
}

const CODES: Record<string, string> = {
  maxLength: 'BASE_TYPE_MAX_LENGTH',
  minLength: 'BASE_TYPE_MIN_LENGTH',
  maxItems: 'BASE_TYPE_MAX_LENGTH',
  minItems: 'BASE_TYPE_MIN_LENGTH',
  required: 'BASE_TYPE_REQUIRED',
  enum: 'BASE_TYPE_CHOICES',
  const: 'BASE_TYPE_CHOICES',
  maximum: 'NUMBER_TYPE_MAX',
  minimum: 'NUMBER_TYPE_MIN',
  pattern: 'STRING_TYPE_REGEX',
  format: 'STRING_TYPE_FORMAT',
};

/**
 * Unions (anyOf/oneOf) make Ajv report every branch's complaint. The deepest instance path is the
 * one a human wants ("embeds/0/title is too long"), so keep only errors at the deepest path.
 */
function toIssues(errors: ErrorObject[]): LimitIssue[] {
  const useful = errors.filter((e) => !['anyOf', 'oneOf', 'allOf', 'if'].includes(e.keyword));
  const pathOf = (e: ErrorObject) => {
    const parts = e.instancePath
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (e.keyword === 'required') parts.push(String((e.params as any).missingProperty));
    return parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  };
  const candidates = useful.length > 0 ? useful : errors;
  const depth = Math.max(...candidates.map((e) => pathOf(e).length));
  const deepest = candidates.filter((e) => pathOf(e).length === depth);
  // A "must be null" from a nullable union branch is noise when a sibling branch said more.
  const preferred = deepest.filter((e) => !(e.keyword === 'type' && (e.params as any).type === 'null'));
  const seen = new Set<string>();
  const issues: LimitIssue[] = [];
  for (const e of preferred.length > 0 ? preferred : deepest) {
    const path = pathOf(e);
    const code =
      CODES[e.keyword] ??
      (e.keyword === 'type'
        ? `BASE_TYPE_${String((e.params as any).type)
            .toUpperCase()
            .replace(/,/g, '_OR_')}`
        : `SCHEMA_${e.keyword.toUpperCase()}`);
    const message = e.keyword === 'required' ? 'This field is required' : (e.message ?? 'Invalid value');
    const key = `${path.join('.')}|${code}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ path, code, message });
  }
  return issues;
}
