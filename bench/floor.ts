import { ms } from './stats.ts';

/** What the sandbox's global rate limit saw over a stretch of a benchmark. */
export interface RequestWindow {
  /** Requests the sandbox let through (each one counts against the global limit). */
  readonly accepted: number;
  /** Refused with 429 (global limit). */
  readonly refused: number;
  readonly byRoute: Record<string, number>;
}

const describeRoutes = (byRoute: Record<string, number>) =>
  Object.entries(byRoute)
    .sort((a, b) => b[1] - a[1])
    .map(([route, count]) => `${count} ${route}`)
    .join(', ');

/** The fastest the window's requests could go under the global limit of `perSecond`. */
export const floorMs = (window: RequestWindow, perSecond: number) => (window.accepted / perSecond) * 1000;

/**
 * One table row: how long it took until `until`, against the floor of the requests it needed at
 * `perSecond` (the fastest any client could do under the global limit).
 */
export function floorRow(until: string, elapsedMs: number, window: RequestWindow, perSecond: number): string[] {
  const floor = floorMs(window, perSecond);
  return [
    until,
    ms(elapsedMs),
    String(window.accepted),
    String(window.refused),
    ms(floor),
    `${(elapsedMs / floor).toFixed(2)}x`,
    describeRoutes(window.byRoute),
  ];
}
