/**
 * Application commands, global and per guild. Stored as Discord returns them; a bulk overwrite
 * keeps the id of a command whose name and type already existed, as Discord does.
 */
import { Errors } from '../http.ts';
import { checkCommand, checkCommandList, Limits } from '../limits.ts';
import type { RouteDef, RouteRequest } from '../router.ts';
import type { SandboxCore } from '../core.ts';

function list(core: SandboxCore, req: RouteRequest): any[] {
  if (req.params.app !== core.config.applicationId) throw Errors.unknownApplication();
  const guildId = req.params.guild;
  if (!guildId) return core.state.globalCommands;
  if (!core.state.guilds.has(guildId)) throw Errors.unknownGuild();
  let cmds = core.state.guildCommands.get(guildId);
  if (!cmds) {
    cmds = [];
    core.state.guildCommands.set(guildId, cmds);
  }
  return cmds;
}

function normalise(core: SandboxCore, def: any, guildId: string | undefined, previous?: any): any {
  const perms = def.default_member_permissions;
  const stored: Record<string, unknown> = {
    id: previous?.id ?? core.state.ids.next(),
    application_id: core.config.applicationId,
    version: core.state.ids.next(),
    default_member_permissions: perms === undefined || perms === null ? null : String(perms),
    type: def.type ?? 1,
    name: def.name,
    name_localizations: def.name_localizations ?? null,
    description: def.description ?? '',
    description_localizations: def.description_localizations ?? null,
    ...(guildId ? { guild_id: guildId } : { dm_permission: def.dm_permission ?? true }),
    contexts: def.contexts ?? null,
    integration_types: def.integration_types ?? [0],
    nsfw: def.nsfw ?? false,
  };
  if (Array.isArray(def.options) && def.options.length > 0) stored.options = structuredClone(def.options);
  return stored;
}

function find(cmds: any[], id: string | undefined): any {
  const cmd = cmds.find((c) => c.id === id);
  if (!cmd) throw Errors.unknownCommand();
  return cmd;
}

function routesFor(base: string, openapiBase: string): RouteDef[] {
  return [
    { method: 'GET', path: base, handle: (req, core) => ({ body: structuredClone(list(core, req)) }) },
    {
      method: 'PUT',
      path: base,
      openapi: openapiBase,
      limits: (req) => checkCommandList(req.body),
      handle: (req, core) => {
        const cmds = list(core, req);
        if (!Array.isArray(req.body)) throw Errors.invalidFormBody({ _errors: [{ code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }] });
        const next = req.body.map((def: any) =>
          normalise(
            core,
            def,
            req.params.guild,
            cmds.find((c) => c.name === def.name && c.type === (def.type ?? 1)),
          ),
        );
        cmds.splice(0, cmds.length, ...next);
        return { body: structuredClone(next) };
      },
    },
    {
      method: 'POST',
      path: base,
      openapi: openapiBase,
      limits: (req) => checkCommand(req.body),
      handle: (req, core) => {
        const cmds = list(core, req);
        const type = req.body?.type ?? 1;
        const index = cmds.findIndex((c) => c.name === req.body?.name && c.type === type);
        if (index < 0) {
          const limit = type === 1 ? Limits.chatCommands : Limits.contextCommands;
          if (cmds.filter((c) => c.type === type).length >= limit) throw Errors.maxCommands();
          const created = normalise(core, req.body, req.params.guild);
          cmds.push(created);
          return { status: 201, body: structuredClone(created) };
        }
        // Posting an existing name updates that command (200), as on Discord.
        cmds[index] = normalise(core, req.body, req.params.guild, cmds[index]);
        return { status: 200, body: structuredClone(cmds[index]) };
      },
    },
    { method: 'GET', path: `${base}/:cmd`, handle: (req, core) => ({ body: structuredClone(find(list(core, req), req.params.cmd)) }) },
    {
      method: 'PATCH',
      path: `${base}/:cmd`,
      openapi: `${openapiBase}/{command_id}`,
      limits: (req, core) => {
        const existing = list(core, req).find((c) => c.id === req.params.cmd);
        return existing ? checkCommand({ ...existing, ...req.body }) : [];
      },
      handle: (req, core) => {
        const cmds = list(core, req);
        const existing = find(cmds, req.params.cmd);
        const updated = normalise(core, { ...existing, ...req.body }, req.params.guild, existing);
        cmds[cmds.indexOf(existing)] = updated;
        return { body: structuredClone(updated) };
      },
    },
    {
      method: 'DELETE',
      path: `${base}/:cmd`,
      handle: (req, core) => {
        const cmds = list(core, req);
        cmds.splice(cmds.indexOf(find(cmds, req.params.cmd)), 1);
        return { status: 204 };
      },
    },
  ];
}

export const commandRoutes: RouteDef[] = [
  ...routesFor('/applications/:app/commands', '/applications/{application_id}/commands'),
  ...routesFor('/applications/:app/guilds/:guild/commands', '/applications/{application_id}/guilds/{guild_id}/commands'),
];
