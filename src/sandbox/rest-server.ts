/**
 * The HTTP side of the sandbox: Discord's REST API v10 under `/api/v10`, the gateway upgrade on
 * `/gateway`, and uploaded attachments under `/attachments`. Every API request is recorded; each
 * one passes, in order: injected faults, the global rate limit, routing, authentication, body
 * validation (OpenAPI schema, then Discord's semantic limits), and finally its route handler. The
 * global limit is counted per token (the Authorization header), not per connection or client.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SandboxCore } from './core.ts';
import type { FaultInjector } from './faults.ts';
import type { GatewayServer } from './gateway.ts';
import { ApiError, Errors, parseBody, sendJson, type ParsedBody } from './http.ts';
import { toDiscordErrors, type LimitIssue } from './limits.ts';
import type { OpenApiValidator } from './openapi-validator.ts';
import { Router, type RouteDef, type RouteRequest } from './router.ts';
import { channelRoutes } from './routes/channels.ts';
import { commandRoutes } from './routes/commands.ts';
import { guildRoutes } from './routes/guilds.ts';
import { interactionRoutes } from './routes/interactions.ts';
import { metaRoutes } from './routes/meta.ts';
import { scheduledEventRoutes } from './routes/scheduled-events.ts';
import { voiceRoutes } from './routes/voice.ts';
import type { RecordedRequest, ValidationFailure } from './types.ts';
import { preciseNow } from './clock.ts';

const API_PREFIX = /^\/api\/v(\d+)(\/.*)?$/;

export interface RestServerOptions {
  core: SandboxCore;
  gateway: GatewayServer;
  faults: FaultInjector;
  /** Undefined when the OpenAPI file is unavailable: then only semantic limits are checked. */
  validator: () => OpenApiValidator | undefined;
}

export class RestServer {
  readonly requests: RecordedRequest[] = [];
  readonly validationFailures: ValidationFailure[] = [];
  private readonly router = new Router([
    ...metaRoutes,
    ...commandRoutes,
    ...channelRoutes,
    ...guildRoutes,
    ...scheduledEventRoutes,
    ...voiceRoutes,
    ...interactionRoutes,
  ]);
  private readonly server: Server;

  constructor(private readonly opts: RestServerOptions) {
    this.server = createServer((req, res) => {
      this.onRequest(req, res).catch((err) => {
        if (!res.headersSent) sendJson(res, 500, { message: `500: Sandbox error: ${String(err?.message ?? err)}`, code: 0 });
      });
    });
    this.server.on('upgrade', (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://localhost').pathname === '/gateway') opts.gateway.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
  }

  /** Listens on an ephemeral port of 127.0.0.1 and returns `http://127.0.0.1:PORT`. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      // undici keeps connections alive; without this, close() waits for them to idle out.
      this.server.closeAllConnections();
    });
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname.startsWith('/attachments/')) return this.serveAttachment(url.pathname, res);
    const api = API_PREFIX.exec(url.pathname);
    const method = (req.method ?? 'GET').toUpperCase();
    // Percent-encoded segments (discord.js sends `%40original`) are compared decoded.
    const segments = (api?.[2] ?? url.pathname)
      .split('/')
      .slice(1)
      .map((s) => {
        try {
          return decodeURIComponent(s);
        } catch {
          return s;
        }
      });
    const path = `/${segments.join('/')}`;
    const match = api ? this.router.match(method, segments) : undefined;
    const route = `${method} ${match?.def.path ?? path}`;
    const authHeader = req.headers.authorization;
    const authorized = authHeader === `Bot ${this.opts.core.config.token}`;

    let parsed: ParsedBody = { body: undefined, files: [] };
    let parseError: ApiError | undefined;
    try {
      parsed = await parseBody(req);
    } catch (err) {
      parseError = err instanceof ApiError ? err : new ApiError(400, 50109, 'The request body contains invalid JSON.');
    }
    const record: RecordedRequest = {
      method,
      path,
      route,
      query: Object.fromEntries(url.searchParams),
      body: parsed.body,
      files: parsed.files,
      status: 0,
      at: preciseNow(),
      authorized,
      hasAuthorizationHeader: authHeader !== undefined,
    };
    this.requests.push(record);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      sendJson(res, status, body, headers);
    };

    const fault =
      this.opts.faults.take(method, path, route) ??
      // Interaction callbacks and webhooks are exempt from the global limit on Discord too. The budget
      // is the token's: every client presenting it (several shards, processes, a proxy) shares it.
      (match && match.def.auth !== 'none' ? this.opts.faults.checkGlobalLimit(authHeader ?? '') : undefined);
    if (fault) {
      record.fault = fault.reason;
      return reply(fault.status, fault.body, fault.headers);
    }
    try {
      if (!api || !match || (api[1] !== '10' && api[1] !== '9')) throw Errors.notFound();
      if (match.def.auth !== 'none' && !authorized) throw Errors.unauthorized();
      if (parseError) throw parseError;
      const request: RouteRequest = { method, path, params: match.params, query: record.query, body: parsed.body, files: parsed.files };
      const issues = this.validate(match.def, request);
      if (issues.length > 0) {
        const errors = toDiscordErrors(issues);
        this.validationFailures.push({ route, errors });
        throw Errors.invalidFormBody(errors);
      }
      const result = await match.def.handle(request, this.opts.core);
      const status = result.status ?? (result.body === undefined ? 204 : 200);
      return reply(status, status === 204 ? undefined : result.body, result.headers);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      // Count-based limits (30xxx) are Discord's semantic checks too; tests find them in one place.
      if (err.code >= 30000 && err.code < 40000) this.validationFailures.push({ route, errors: err.toJSON() });
      return reply(err.status, err.toJSON());
    }
  }

  private validate(def: RouteDef, req: RouteRequest): LimitIssue[] {
    if (req.body === undefined || (!def.openapi && !def.limits)) return [];
    const validator = def.openapi ? this.opts.validator() : undefined;
    if (validator && def.openapi) {
      const issues = validator.validate(def.openapi, req.method, req.body, def.schema?.(req));
      if (issues.length > 0) return issues;
    }
    return def.limits?.(req, this.opts.core) ?? [];
  }

  private serveAttachment(pathname: string, res: ServerResponse) {
    const id = pathname.split('/')[3] ?? '';
    const file = this.opts.core.state.attachmentsData.get(id);
    if (!file) return sendJson(res, 404, { message: '404: Not Found', code: 0 });
    res.writeHead(200, { 'Content-Type': file.contentType, 'Content-Length': file.data.length });
    res.end(file.data);
  }
}
