/**
 * A tiny REST router over path templates like `/channels/:id/messages/:mid`. Templates double as
 * the `route` label recorded for every request, so tests and `failNext` can match on them.
 */
import type { SandboxCore } from './core.ts';
import type { LimitIssue } from './limits.ts';
import type { RecordedFile } from './types.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: any;
  files: RecordedFile[];
}

export interface RouteResult {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteDef {
  method: HttpMethod;
  path: string;
  /** `none` for routes authenticated by the interaction token in the URL instead of a bot token. */
  auth?: 'bot' | 'none';
  /** The path of this operation in Discord's OpenAPI description, for body validation. */
  openapi?: string;
  /** Validate against this component schema instead of the operation's (e.g. one callback type). */
  schema?: (req: RouteRequest) => string | undefined;
  /** Discord's semantic limits for this body. */
  limits?: (req: RouteRequest, core: SandboxCore) => LimitIssue[];
  handle: (req: RouteRequest, core: SandboxCore) => RouteResult | Promise<RouteResult>;
}

interface CompiledRoute {
  def: RouteDef;
  segments: string[];
  literals: number;
}

export class Router {
  private readonly routes: CompiledRoute[];

  constructor(defs: RouteDef[]) {
    this.routes = defs.map((def) => {
      const segments = def.path.split('/').slice(1);
      return { def, segments, literals: segments.filter((s) => !s.startsWith(':')).length };
    });
  }

  /** Best match: the template with the most literal segments wins (`@original` over `:mid`). */
  match(method: string, segments: string[]): { def: RouteDef; params: Record<string, string> } | undefined {
    let best: { def: RouteDef; params: Record<string, string>; literals: number } | undefined;
    for (const r of this.routes) {
      if (r.def.method !== method || r.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segments.length && ok; i++) {
        const t = r.segments[i]!;
        const s = segments[i]!;
        if (t.startsWith(':')) {
          if (s.length === 0) ok = false;
          else params[t.slice(1)] = s;
        } else if (t !== s) ok = false;
      }
      if (ok && (!best || r.literals > best.literals)) best = { def: r.def, params, literals: r.literals };
    }
    return best && { def: best.def, params: best.params };
  }
}
