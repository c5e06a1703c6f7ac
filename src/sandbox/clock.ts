/**
 * Wall-clock milliseconds with sub-millisecond precision. Interaction timings (command -> callback)
 * are a few milliseconds on loopback, where Date.now()'s whole milliseconds would hide the difference
 * benchmarks measure.
 */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
