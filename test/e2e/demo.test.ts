import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = join(import.meta.dirname, '..', '..');

describe('npm run demo', () => {
  it('GIVEN no Discord token THEN the demo sets up a circle, asks and gives help, runs a short meeting, previews the weekly reflection, and exits 0', () => {
    const result = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(repoRoot, 'src', 'demo', 'run.ts')], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Only people who can manage this server');
    expect(result.stdout).toContain('"Mars/Olympus" isn\'t a time zone I know');
    expect(result.stdout).toContain('Saved. This is how the circle is set up now:');
    expect(result.stdout).toContain('Moderator role: @Circle moderator');
    expect(result.stdout).toContain('**A member is asking for help**');
    expect(result.stdout).toContain('How you take part: Mostly receiving help, which is what the circle is for');
    expect(result.stdout).toContain('How you take part: Mostly giving help');
    expect(result.stdout).toContain('**Round 5 of 5: Close**');
    expect(result.stdout).toContain('**This week in the circle**');
    expect(result.stdout).toContain('Taking part: a few. Asked for help: a few (a few got offers). Offers of help: a few. Practical tasks committed: a few');
  });
});
