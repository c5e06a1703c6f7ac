/** Login-time routes: gateway discovery, the bot's own user and application. */
import type { RouteDef } from '../router.ts';
import type { SandboxCore } from '../core.ts';

export const gatewayUrl = (core: SandboxCore) => `${core.config.origin.replace(/^http/, 'ws')}/gateway`;

function application(core: SandboxCore) {
  const { state } = core;
  return {
    id: state.applicationId,
    name: state.botUser.username,
    icon: null,
    description: 'Helper Circle (sandbox)',
    summary: '',
    type: null,
    bot_public: false,
    bot_require_code_grant: false,
    verify_key: '0'.repeat(64),
    flags: 0,
    bot: structuredClone(state.botUser),
    owner: { id: state.ids.next(), username: 'sandbox-owner', global_name: null, discriminator: '0', avatar: null, public_flags: 0, flags: 0 },
    team: null,
    approximate_guild_count: state.guilds.size,
    integration_types_config: { '0': {} },
  };
}

export const metaRoutes: RouteDef[] = [
  { method: 'GET', path: '/gateway', auth: 'none', handle: (_req, core) => ({ body: { url: gatewayUrl(core) } }) },
  {
    method: 'GET',
    path: '/gateway/bot',
    // discord.js refuses to log in without session_start_limit.
    handle: (_req, core) => ({
      body: {
        url: gatewayUrl(core),
        shards: core.config.recommendedShards,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: core.config.maxConcurrency },
      },
    }),
  },
  { method: 'GET', path: '/users/@me', handle: (_req, core) => ({ body: { ...core.state.botUser, verified: true, mfa_enabled: false, flags: 0 } }) },
  { method: 'GET', path: '/applications/@me', handle: (_req, core) => ({ body: application(core) }) },
  { method: 'GET', path: '/oauth2/applications/@me', handle: (_req, core) => ({ body: application(core) }) },
];
