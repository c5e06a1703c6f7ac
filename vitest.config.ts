import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end suites boot real discord.js clients against the sandbox; give them room,
    // but keep files isolated so one suite's sockets never leak into another's.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
