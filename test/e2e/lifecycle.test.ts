import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ButtonStyle, ComponentType, type TextChannel } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { BOT_PERMISSIONS } from '../../src/discord/bot-permissions.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { createWorld, type World } from './world.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
let world: World | undefined;
let sandbox: Sandbox | undefined;
afterEach(async () => {
  await world?.close();
  await sandbox?.close();
  world = undefined;
  sandbox = undefined;
});

describe('buttons the bot no longer knows', () => {
  it('GIVEN a button from a retired feature on an old message WHEN a member clicks it THEN they are told it expired, privately', async () => {
    world = await createWorld();
    const channel = (await world.bot.client.channels.fetch(world.circleChannelId)) as TextChannel;
    await channel.send({
      content: 'An old message',
      components: [
        {
          type: ComponentType.ActionRow,
          components: [{ type: ComponentType.Button, style: ButtonStyle.Primary, label: 'Old', customId: 'retired-feature:42' }],
        },
      ],
    });
    const message = await world.sandbox.waitForMessage(world.circleChannelId, (m) => m.content === 'An old message');
    const handle = await world.sandbox.clickButton({ userId: world.memberId, message, customId: 'retired-feature:42' });
    const answer = await handle.reply();
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toMatch(/This button has expired, so nothing was changed/);
  });
});

describe('npm start', () => {
  it('GIVEN the bot running from npm start WHEN it gets SIGTERM THEN it finishes, closes the store and exits 0', async () => {
    sandbox = await startSandbox();
    sandbox.createGuild({ name: 'Circle' });
    const folder = mkdtempSync(join(tmpdir(), 'hc-start-'));
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(repoRoot, 'src', 'main.ts')], {
      cwd: folder,
      env: {
        PATH: process.env.PATH ?? '',
        DISCORD_TOKEN: sandbox.token,
        DISCORD_API_URL: sandbox.apiUrl,
        STORE_URL: `sqlite://${join(folder, 'data', 'store.sqlite')}`,
      },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit');
    await expect.poll(() => output, { timeout: 20_000 }).toContain('Helper Circle is ready');
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output).toContain('Helper Circle stopped');
    expect(output).not.toContain(sandbox.token);
  });
});

describe('the README', () => {
  it('GIVEN the permissions the bot asks for THEN the README invite link carries exactly that integer', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    expect(readme).toContain(`permissions=${BOT_PERMISSIONS.bitfield}`);
  });
});
