/**
 * What routes and helpers share: the world state, the interaction tracker and fixed settings.
 * Kept as a plain interface so route modules stay free functions over it.
 */
import type { SandboxBase } from './base.ts';
import type { InteractionTracker } from './interactions.ts';

export type { SandboxConfig } from './base.ts';

export interface SandboxCore extends SandboxBase {
  readonly interactions: InteractionTracker;
}
