/**
 * Routes the bot answers interactions on. None take a bot token: the interaction id and token in
 * the URL are the credentials, and discord.js sends no Authorization header here.
 */
import { checkMessageBody, checkModal, type LimitIssue } from '../limits.ts';
import type { RouteDef } from '../router.ts';
import { toWireMessage } from '../state.ts';

/** Each callback type validated against its own schema, so errors name the right fields. */
const CALLBACK_SCHEMAS: Record<number, string> = {
  4: 'CreateMessageInteractionCallbackRequest',
  5: 'CreateMessageInteractionCallbackRequest',
  6: 'UpdateMessageInteractionCallbackRequest',
  7: 'UpdateMessageInteractionCallbackRequest',
  8: 'ApplicationCommandAutocompleteCallbackRequest',
  9: 'ModalInteractionCallbackRequest',
};

function prefix(issues: LimitIssue[], ...path: string[]): LimitIssue[] {
  return issues.map((i) => ({ ...i, path: [...path, ...i.path] }));
}

function callbackLimits(body: any): LimitIssue[] {
  const type = body?.type;
  if (type === 4 || type === 7) return prefix(checkMessageBody(body.data), 'data');
  if (type === 9) return prefix(checkModal(body.data), 'data');
  if (type === 8 && Array.isArray(body.data?.choices) && body.data.choices.length > 25) {
    return [{ path: ['data', 'choices'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' }];
  }
  return [];
}

const WEBHOOK = '/webhooks/:app/:token';
const OPENAPI_WEBHOOK = '/webhooks/{webhook_id}/{webhook_token}';

export const interactionRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/interactions/:id/:token/callback',
    auth: 'none',
    openapi: '/interactions/{interaction_id}/{interaction_token}/callback',
    schema: (req) => CALLBACK_SCHEMAS[req.body?.type as number],
    limits: (req) => callbackLimits(req.body),
    handle: (req, core) => core.interactions.callback(req.params.id!, req.params.token!, req.body, req.files, req.query.with_response === 'true'),
  },
  {
    method: 'POST',
    path: WEBHOOK,
    auth: 'none',
    openapi: OPENAPI_WEBHOOK,
    limits: (req) => checkMessageBody(req.body),
    handle: (req, core) => {
      const message = core.interactions.followUp(req.params.app!, req.params.token!, req.body, req.files);
      return req.query.wait === 'true' ? { body: toWireMessage(message) } : { status: 204 };
    },
  },
  ...(['@original', ':mid'] as const).flatMap((ref): RouteDef[] => {
    const path = `${WEBHOOK}/messages/${ref}`;
    const openapi = `${OPENAPI_WEBHOOK}/messages/${ref === ':mid' ? '{message_id}' : '@original'}`;
    const refOf = (params: Record<string, string>) => (ref === ':mid' ? params.mid! : '@original');
    return [
      {
        method: 'GET',
        path,
        auth: 'none',
        handle: (req, core) => ({ body: toWireMessage(core.interactions.webhookMessage(req.params.app!, req.params.token!, refOf(req.params))) }),
      },
      {
        method: 'PATCH',
        path,
        auth: 'none',
        openapi,
        limits: (req) => checkMessageBody(req.body),
        handle: (req, core) => ({
          body: toWireMessage(core.interactions.editWebhookMessage(req.params.app!, req.params.token!, refOf(req.params), req.body, req.files)),
        }),
      },
      {
        method: 'DELETE',
        path,
        auth: 'none',
        handle: (req, core) => {
          core.interactions.deleteWebhookMessage(req.params.app!, req.params.token!, refOf(req.params));
          return { status: 204 };
        },
      },
    ];
  }),
];
