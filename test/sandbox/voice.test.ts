/**
 * Voice and stage channels in the sandbox, seen by the real discord.js client: voice states at start-up,
 * members joining, moving and leaving, raised hands, and the bot inviting a stage listener to speak over
 * `PATCH /guilds/:id/voice-states/:user`, with Discord's permission checks and intent filtering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, DiscordAPIError, Events, GatewayIntentBits, Routes, type VoiceState } from 'discord.js';
import { Permission } from '../../src/sandbox/permissions.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import type { SandboxChannel, SandboxGuild, SandboxMember } from '../../src/sandbox/types.ts';
import { eventually, loginClient } from './harness.ts';

const VOICE_INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates];

/** Resolves with the next voiceStateUpdate for this user; register before acting. */
function nextVoiceUpdate(client: Client, userId: string): Promise<{ old: VoiceState; now: VoiceState }> {
  return new Promise((resolve) => {
    const listener = (old: VoiceState, now: VoiceState) => {
      if (now.id !== userId) return;
      client.off(Events.VoiceStateUpdate, listener);
      resolve({ old, now });
    };
    client.on(Events.VoiceStateUpdate, listener);
  });
}

async function apiError(promise: Promise<unknown>): Promise<DiscordAPIError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DiscordAPIError) return err;
    throw err;
  }
  throw new Error('expected the request to be refused');
}

describe('sandbox voice and stage channels', () => {
  let sandbox: Sandbox;
  let guild: SandboxGuild;
  let lounge: SandboxChannel;
  let quiet: SandboxChannel;
  let stage: SandboxChannel;
  let bareStage: SandboxChannel;
  let alice: SandboxMember;
  let bob: SandboxMember;
  let carol: SandboxMember;
  let dave: SandboxMember;
  let voiceClient: Client;
  let plainClient: Client;
  const plainEvents: Array<{ t: string; d: any }> = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ heartbeatIntervalMs: 250 });
    guild = sandbox.createGuild({ name: 'Meetings' });
    sandbox.createChannel(guild.id, { name: 'general' });
    lounge = sandbox.createChannel(guild.id, { name: 'lounge', type: 2 });
    quiet = sandbox.createChannel(guild.id, { name: 'quiet', type: 2 });
    // The bot may invite listeners to speak on this stage only.
    stage = sandbox.createChannel(guild.id, {
      name: 'meeting',
      type: 13,
      permissionOverwrites: [{ id: sandbox.botUser.id, type: 1, allow: Permission.MuteMembers }],
    });
    bareStage = sandbox.createChannel(guild.id, { name: 'town hall', type: 13 });
    alice = sandbox.addMember(guild.id, { username: 'alice' });
    bob = sandbox.addMember(guild.id, { username: 'bob' });
    carol = sandbox.addMember(guild.id, { username: 'carol' });
    dave = sandbox.addMember(guild.id, { username: 'dave' });
    sandbox.joinVoice({ guildId: guild.id, userId: alice.user.id, channelId: lounge.id });
    sandbox.setVoiceState({ guildId: guild.id, userId: alice.user.id, selfMute: true });
    voiceClient = await loginClient(sandbox, VOICE_INTENTS);
    plainClient = await loginClient(sandbox, [GatewayIntentBits.Guilds]);
    plainClient.on(Events.Raw, (packet: { t?: string; d?: unknown }) => {
      if (packet.t) plainEvents.push({ t: packet.t, d: packet.d });
    });
  });
  afterAll(async () => {
    await Promise.all([voiceClient?.destroy(), plainClient?.destroy()]);
    await sandbox?.close();
  });

  it('GIVEN a member in a voice channel before start-up WHEN the bot connects with GuildVoiceStates THEN the voice state is in the cache', () => {
    const state = voiceClient.guilds.cache.get(guild.id)!.voiceStates.cache.get(alice.user.id);
    expect(state?.channelId).toBe(lounge.id);
    expect(state?.selfMute).toBe(true);
    expect(state?.member?.user.username).toBe('alice');
    expect(plainClient.guilds.cache.get(guild.id)!.voiceStates.cache.size).toBe(0);
  });

  it('GIVEN a member WHEN they join, move and leave THEN voiceStateUpdate carries the old and new channels', async () => {
    let update = nextVoiceUpdate(voiceClient, bob.user.id);
    sandbox.joinVoice({ guildId: guild.id, userId: bob.user.id, channelId: lounge.id });
    let { old, now } = await update;
    expect([old.channelId, now.channelId]).toEqual([null, lounge.id]);
    expect(now.sessionId).toBeTruthy();

    update = nextVoiceUpdate(voiceClient, bob.user.id);
    sandbox.moveVoice({ guildId: guild.id, userId: bob.user.id, channelId: quiet.id });
    ({ old, now } = await update);
    expect([old.channelId, now.channelId]).toEqual([lounge.id, quiet.id]);
    expect(now.sessionId).toBe(old.sessionId);

    update = nextVoiceUpdate(voiceClient, bob.user.id);
    sandbox.setVoiceState({ guildId: guild.id, userId: bob.user.id, selfDeaf: true, selfMute: true });
    ({ now } = await update);
    expect([now.channelId, now.selfDeaf, now.selfMute]).toEqual([quiet.id, true, true]);

    update = nextVoiceUpdate(voiceClient, bob.user.id);
    sandbox.leaveVoice({ guildId: guild.id, userId: bob.user.id });
    ({ old, now } = await update);
    expect([old.channelId, now.channelId]).toEqual([quiet.id, null]);
    expect(sandbox.voiceStates(guild.id).map((v) => v.user_id)).toEqual([alice.user.id]);
  });

  it('GIVEN listeners on a stage WHEN they raise their hands THEN they are audience and the timestamps arrive in order', async () => {
    for (const m of [carol, dave]) {
      const update = nextVoiceUpdate(voiceClient, m.user.id);
      sandbox.joinVoice({ guildId: guild.id, userId: m.user.id, channelId: stage.id });
      const { now } = await update;
      expect(now.suppress).toBe(true);
      expect(now.requestToSpeakTimestamp).toBeNull();
    }
    const carolHand = nextVoiceUpdate(voiceClient, carol.user.id);
    sandbox.raiseHand({ guildId: guild.id, userId: carol.user.id });
    const daveHand = nextVoiceUpdate(voiceClient, dave.user.id);
    sandbox.raiseHand({ guildId: guild.id, userId: dave.user.id });
    const [c, d] = await Promise.all([carolHand, daveHand]);
    expect(c.now.requestToSpeakTimestamp).toBeTypeOf('number');
    expect(d.now.requestToSpeakTimestamp!).toBeGreaterThan(c.now.requestToSpeakTimestamp!);
    const hands = sandbox.voiceStates(guild.id, stage.id).filter((v) => v.request_to_speak_timestamp);
    expect(hands.map((v) => v.user_id)).toEqual([carol.user.id, dave.user.id]);
    expect(() => sandbox.raiseHand({ guildId: guild.id, userId: alice.user.id })).toThrow(/stage/);
  });

  it('GIVEN Mute Members on the stage WHEN the bot invites a listener to speak THEN they become a speaker and their hand is lowered', async () => {
    const update = nextVoiceUpdate(voiceClient, carol.user.id);
    const voice = voiceClient.guilds.cache.get(guild.id)!.members.cache.get(carol.user.id)!.voice;
    await voice.setSuppressed(false);
    const { now } = await update;
    expect(now.suppress).toBe(false);
    expect(now.requestToSpeakTimestamp).toBeNull();
    expect(sandbox.voiceStates(guild.id, stage.id).find((v) => v.user_id === carol.user.id)).toMatchObject({
      suppress: false,
      request_to_speak_timestamp: null,
    });
    const back = nextVoiceUpdate(voiceClient, carol.user.id);
    await voiceClient.rest.patch(Routes.guildVoiceState(guild.id, carol.user.id), { body: { channel_id: stage.id, suppress: true } });
    expect((await back).now.suppress).toBe(true);
  });

  it('GIVEN a stage without Mute Members for the bot WHEN it invites a listener THEN Discord refuses with 403 50013', async () => {
    const update = nextVoiceUpdate(voiceClient, dave.user.id);
    sandbox.moveVoice({ guildId: guild.id, userId: dave.user.id, channelId: bareStage.id });
    const { now } = await update;
    expect([now.channelId, now.suppress, now.requestToSpeakTimestamp]).toEqual([bareStage.id, true, null]);
    const err = await apiError(voiceClient.guilds.cache.get(guild.id)!.members.cache.get(dave.user.id)!.voice.setSuppressed(false));
    expect([err.status, err.code]).toEqual([403, 50013]);
    expect(sandbox.voiceStates(guild.id, bareStage.id)[0]!.suppress).toBe(true);
  });

  it('GIVEN a user not in that stage channel WHEN the bot patches their voice state THEN Discord answers 404 10065 Unknown Voice State', async () => {
    // dave is on the other stage; bob is not connected at all.
    for (const userId of [dave.user.id, bob.user.id]) {
      const err = await apiError(voiceClient.rest.patch(Routes.guildVoiceState(guild.id, userId), { body: { channel_id: stage.id, suppress: false } }));
      expect([err.status, err.code]).toEqual([404, 10065]);
    }
    const notStage = await apiError(
      voiceClient.rest.patch(Routes.guildVoiceState(guild.id, alice.user.id), { body: { channel_id: lounge.id, suppress: false } }),
    );
    expect([notStage.status, notStage.code]).toEqual([400, 50024]);
    const badBody = await apiError(
      voiceClient.rest.patch(Routes.guildVoiceState(guild.id, dave.user.id), { body: { channel_id: bareStage.id, suppress: 'no' } }),
    );
    expect([badBody.status, badBody.code]).toEqual([400, 50035]);
  });

  it('GIVEN the bot on a stage WHEN it raises its hand and unsuppresses itself THEN @me is accepted', async () => {
    const botId = sandbox.botUser.id;
    const joined = nextVoiceUpdate(voiceClient, botId);
    sandbox.joinVoice({ guildId: guild.id, userId: botId, channelId: stage.id });
    await joined;
    const me = voiceClient.guilds.cache.get(guild.id)!.members.me!;
    const hand = nextVoiceUpdate(voiceClient, botId);
    await me.voice.setRequestToSpeak(true);
    expect((await hand).now.requestToSpeakTimestamp).toBeTypeOf('number');
    const speaking = nextVoiceUpdate(voiceClient, botId);
    await me.voice.setSuppressed(false);
    expect((await speaking).now.suppress).toBe(false);
  });

  it('GIVEN a client without GuildVoiceStates WHEN members use voice THEN it receives no voice events', async () => {
    // Sent by the gateway before this marker, which the plain client does receive.
    const marker = sandbox.createChannel(guild.id, { name: 'marker' });
    await eventually(() => plainClient.channels.cache.get(marker.id));
    expect(plainEvents.some((e) => e.t === 'VOICE_STATE_UPDATE')).toBe(false);
    expect(plainClient.guilds.cache.get(guild.id)!.voiceStates.cache.size).toBe(0);
  });
});

describe('sandbox voice events across shards', () => {
  let sandbox: Sandbox;
  const clients: Client[] = [];
  const events: Array<Array<{ t: string; d: any }>> = [[], []];

  beforeAll(async () => {
    sandbox = await startSandbox({ heartbeatIntervalMs: 250, maxConcurrency: 2 });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.destroy()));
    await sandbox?.close();
  });

  it("GIVEN two shards WHEN a member joins voice in shard 1's guild THEN only shard 1 receives VOICE_STATE_UPDATE", async () => {
    const guild0 = sandbox.createGuild({ name: 'Zero', shard: [0, 2] });
    const guild1 = sandbox.createGuild({ name: 'One', shard: [1, 2] });
    const room = sandbox.createChannel(guild1.id, { name: 'room', type: 2 });
    const member = sandbox.addMember(guild1.id, { username: 'erin' });
    for (const shard of [0, 1]) {
      const client = new Client({ intents: VOICE_INTENTS, rest: { api: sandbox.apiUrl }, shards: [shard], shardCount: 2 });
      client.on(Events.Raw, (p: { t?: string; d?: unknown }) => {
        if (p.t) events[shard]!.push({ t: p.t, d: p.d });
      });
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(sandbox.token);
      await ready;
      clients.push(client);
    }
    const update = nextVoiceUpdate(clients[1]!, member.user.id);
    sandbox.joinVoice({ guildId: guild1.id, userId: member.user.id, channelId: room.id });
    expect((await update).now.channelId).toBe(room.id);
    const marker = sandbox.createChannel(guild0.id, { name: 'marker' });
    await eventually(() => clients[0]!.channels.cache.get(marker.id));
    expect(events[0]!.some((e) => e.t === 'VOICE_STATE_UPDATE')).toBe(false);
  });
});
