/** Guild reads: the guild, its channels, roles, members and active threads. */
import { Errors } from '../http.ts';
import type { RouteDef, RouteRequest } from '../router.ts';
import { THREAD_TYPES } from '../state.ts';
import type { SandboxCore } from '../core.ts';

function guildId(core: SandboxCore, req: RouteRequest): string {
  const id = req.params.id!;
  if (!core.state.guilds.has(id)) throw Errors.unknownGuild();
  return id;
}

export const guildRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/guilds/:id',
    handle: (req, core) => {
      const id = guildId(core, req);
      const body: Record<string, unknown> = core.state.guildObject(id);
      if (req.query.with_counts === 'true') {
        const size = core.state.guildRecord(id).members.size;
        Object.assign(body, { approximate_member_count: size, approximate_presence_count: 0 });
      }
      return { body };
    },
  },
  {
    method: 'GET',
    path: '/guilds/:id/channels',
    handle: (req, core) => ({ body: core.state.guildChannels(guildId(core, req)).filter((c) => !THREAD_TYPES.has(c.type)) }),
  },
  {
    method: 'GET',
    path: '/guilds/:id/roles',
    handle: (req, core) => ({ body: [...core.state.guildRecord(guildId(core, req)).roles.values()].map((r) => structuredClone(r)) }),
  },
  {
    method: 'GET',
    path: '/guilds/:id/members/:uid',
    handle: (req, core) => {
      const member = core.state.member(guildId(core, req), req.params.uid!);
      if (!member) throw Errors.unknownMember();
      return { body: structuredClone(member) };
    },
  },
  {
    method: 'GET',
    path: '/guilds/:id/members',
    handle: (req, core) => {
      const limit = Math.min(Math.max(Number(req.query.limit ?? 1) || 1, 1), 1000);
      const after = req.query.after ? BigInt(req.query.after) : -1n;
      const members = [...core.state.guildRecord(guildId(core, req)).members.values()]
        .filter((m) => BigInt(m.user.id) > after)
        .sort((a, b) => (BigInt(a.user.id) < BigInt(b.user.id) ? -1 : 1))
        .slice(0, limit);
      return { body: structuredClone(members) };
    },
  },
  {
    method: 'GET',
    path: '/guilds/:id/threads/active',
    handle: (req, core) => ({
      body: { threads: core.state.guildThreads(guildId(core, req)).filter((t) => !t.thread_metadata?.archived), members: [] },
    }),
  },
];
