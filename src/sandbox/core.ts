/**
 * What routes and helpers share: the world state, the interaction tracker and fixed settings.
 * Kept as a plain interface so route modules stay free functions over it.
 */
import type { SandboxState } from './state.ts';
import type { InteractionTracker } from './interactions.ts';

export interface SandboxConfig {
  readonly token: string;
  readonly applicationId: string;
  /** Discord: the first callback must come within 3 s. */
  readonly interactionDeadlineMs: number;
  /** Discord: interaction tokens (follow-ups, @original) are valid for 15 minutes. */
  readonly interactionTokenLifetimeMs: number;
  /** `http://127.0.0.1:PORT`, known once the server listens. */
  origin: string;
}

export interface SandboxCore {
  readonly config: SandboxConfig;
  readonly state: SandboxState;
  readonly interactions: InteractionTracker;
  /** Connected gateway sessions, for diagnostics ("nobody received that interaction"). */
  readonly gatewaySessions: () => number;
}
