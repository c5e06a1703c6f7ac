/**
 * HTTP plumbing shared by the REST server and its routes: Discord-shaped errors, body parsing
 * (JSON and the multipart form discord.js uses for files) and JSON responses.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RecordedFile } from './types.ts';

/** An error answered the way Discord answers it: `{ message, code, errors? }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: unknown,
  ) {
    super(message);
  }

  toJSON(): Record<string, unknown> {
    return { message: this.message, code: this.code, ...(this.errors === undefined ? {} : { errors: this.errors }) };
  }
}

export const Errors = {
  notFound: () => new ApiError(404, 0, '404: Not Found'),
  unauthorized: () => new ApiError(401, 0, '401: Unauthorized'),
  unknownChannel: () => new ApiError(404, 10003, 'Unknown Channel'),
  unknownGuild: () => new ApiError(404, 10004, 'Unknown Guild'),
  unknownMember: () => new ApiError(404, 10007, 'Unknown Member'),
  unknownMessage: () => new ApiError(404, 10008, 'Unknown Message'),
  unknownWebhook: () => new ApiError(404, 10015, 'Unknown Webhook'),
  unknownApplication: () => new ApiError(404, 10002, 'Unknown Application'),
  unknownCommand: () => new ApiError(404, 10063, 'Unknown application command'),
  unknownInteraction: () => new ApiError(404, 10062, 'Unknown interaction'),
  unknownVoiceState: () => new ApiError(404, 10065, 'Unknown Voice State'),
  wrongChannelType: () => new ApiError(400, 50024, 'Cannot execute action on this channel type'),
  unknownScheduledEvent: () => new ApiError(404, 10070, 'Unknown Guild Scheduled Event'),
  alreadyAcknowledged: () => new ApiError(400, 40060, 'Interaction has already been acknowledged'),
  invalidWebhookToken: () => new ApiError(401, 50027, 'Invalid Webhook Token'),
  cannotEditOthersMessage: () => new ApiError(403, 50005, 'Cannot edit a message authored by another user'),
  missingAccess: () => new ApiError(403, 50001, 'Missing Access'),
  missingPermissions: () => new ApiError(403, 50013, 'Missing Permissions'),
  invalidFormBody: (errors: unknown) => new ApiError(400, 50035, 'Invalid Form Body', errors),
  emptyMessage: () => new ApiError(400, 50006, 'Cannot send an empty message'),
  threadArchived: () => new ApiError(400, 50083, 'Thread is archived'),
  maxScheduledEvents: () => new ApiError(400, 30038, 'Maximum number of guild scheduled events reached (100)'),
  maxCommands: () => new ApiError(400, 30032, 'Maximum number of application commands reached (100)'),
};

export interface ParsedBody {
  body: any;
  files: RecordedFile[];
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * JSON bodies are parsed as is. Multipart bodies (discord.js sends them whenever files are
 * attached) carry the JSON in `payload_json` and the files in `files[n]`; the WHATWG Request in
 * Node parses the form for us.
 */
export async function parseBody(req: IncomingMessage): Promise<ParsedBody> {
  const raw = await readAll(req);
  const type = req.headers['content-type'] ?? '';
  if (raw.length === 0) return { body: undefined, files: [] };
  if (type.startsWith('multipart/form-data')) {
    const form = await new Request('http://sandbox.local/', {
      method: 'POST',
      headers: { 'content-type': type },
      body: raw,
    }).formData();
    let body: any = {};
    const files: RecordedFile[] = [];
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') body = JSON.parse(value);
        else body[field] = value;
      } else {
        files.push({
          field,
          name: value.name,
          contentType: value.type || 'application/octet-stream',
          data: Buffer.from(await value.arrayBuffer()),
        });
      }
    }
    return { body, files };
  }
  const text = raw.toString('utf8');
  try {
    return { body: JSON.parse(text), files: [] };
  } catch {
    throw new ApiError(400, 50109, 'The request body contains invalid JSON.');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status === 200 && body === undefined ? 204 : status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  // discord.js only parses bodies labelled application/json; anything else reaches it as a buffer.
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
