import { readFileSync, writeFileSync } from 'node:fs';

/** Linux: resets the process's peak-RSS mark (VmHWM) to its current RSS, so a phase's own peak can be read. */
export function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return peakRssSinceReset() !== null;
  } catch {
    return false;
  }
}

/** The kernel's peak RSS (VmHWM) since the process started or since the last reset; null off Linux. */
export function peakRssSinceReset(): number | null {
  try {
    const kilobytes = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kilobytes === undefined ? null : Number(kilobytes) * 1024;
  } catch {
    return null;
  }
}
