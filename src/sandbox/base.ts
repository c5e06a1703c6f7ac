/**
 * What every part of the sandbox reads: its fixed settings and the world state. The interaction
 * tracker and the message builder depend on this alone; `SandboxCore` (core.ts) adds the tracker for
 * the routes, so nothing here imports back from them.
 */
import type { SandboxState } from './state.ts';

export interface SandboxConfig {
  readonly token: string;
  readonly applicationId: string;
  /** Discord: the first callback must come within 3 s. */
  readonly interactionDeadlineMs: number;
  /** Discord: interaction tokens (follow-ups, @original) are valid for 15 minutes. */
  readonly interactionTokenLifetimeMs: number;
  /** `http://127.0.0.1:PORT`, known once the server listens. */
  origin: string;
  /** GET /gateway/bot's `shards`: the shard count Discord recommends for the bot. */
  readonly recommendedShards: number;
  /** GET /gateway/bot's `session_start_limit.max_concurrency`: identify buckets per 5 s. */
  readonly maxConcurrency: number;
}

export interface SandboxBase {
  readonly config: SandboxConfig;
  readonly state: SandboxState;
  /** Connected gateway sessions, for diagnostics ("nobody received that interaction"). */
  readonly gatewaySessions: () => number;
  /** Whether a connected session is on the shard that owns this guild, for the same diagnostics. */
  readonly gatewayReaches: (guildId: string) => boolean;
}
