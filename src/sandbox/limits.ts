/**
 * Discord's documented limits that its OpenAPI description does not express (or expresses more
 * loosely: the schema allows 4000-char content because Nitro users may send that much, bots may
 * not). Each check returns issues; the REST layer turns them into Discord's 50035 answer.
 */

export interface LimitIssue {
  path: Array<string | number>;
  code: string;
  message: string;
}

export const Limits = {
  content: 2000,
  embeds: 10,
  embedTotalChars: 6000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  embedFieldName: 256,
  embedFieldValue: 1024,
  embedFooter: 2048,
  embedAuthor: 256,
  actionRows: 5,
  buttonsPerRow: 5,
  customId: 100,
  buttonLabel: 80,
  selectOptions: 25,
  selectPlaceholder: 150,
  componentsV2Total: 40,
  modalTitle: 45,
  modalComponents: 5,
  textInputLabel: 45,
  textInputValue: 4000,
  textInputPlaceholder: 100,
  commandName: 32,
  commandDescription: 100,
  chatCommands: 100,
  contextCommands: 5,
  commandOptions: 25,
  commandChoices: 25,
  activeScheduledEvents: 100,
} as const;

const COMMAND_NAME = /^[-_\p{L}\p{N}]{1,32}$/u;
const SELECT_TYPES = new Set([3, 5, 6, 7, 8]);

class Issues {
  readonly list: LimitIssue[] = [];
  add(path: Array<string | number>, code: string, message: string) {
    this.list.push({ path, code, message });
  }
  maxLength(path: Array<string | number>, value: unknown, max: number) {
    if (typeof value === 'string' && [...value].length > max) {
      this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
    }
  }
  length(path: Array<string | number>, value: unknown, min: number, max: number) {
    const n = typeof value === 'string' ? [...value].length : 0;
    if (typeof value !== 'string' || n < min || n > max) {
      this.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
    }
  }
  maxItems(path: Array<string | number>, value: unknown, max: number) {
    if (Array.isArray(value) && value.length > max) {
      this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
    }
  }
}

/** Discord's nested error shape: `{ embeds: { 0: { title: { _errors: [{code, message}] } } } }`. */
export function toDiscordErrors(issues: LimitIssue[]): Record<string, unknown> {
  const root: Record<string, any> = {};
  for (const issue of issues) {
    let node = root;
    for (const key of issue.path) {
      node[String(key)] ??= {};
      node = node[String(key)];
    }
    node._errors ??= [];
    node._errors.push({ code: issue.code, message: issue.message });
  }
  return root;
}

// ---------------------------------------------------------------- messages

function embedChars(embed: any): number {
  const len = (s: unknown) => (typeof s === 'string' ? [...s].length : 0);
  let n = len(embed?.title) + len(embed?.description) + len(embed?.footer?.text) + len(embed?.author?.name);
  for (const f of Array.isArray(embed?.fields) ? embed.fields : []) n += len(f?.name) + len(f?.value);
  return n;
}

function checkEmbeds(issues: Issues, embeds: unknown) {
  if (!Array.isArray(embeds)) return;
  issues.maxItems(['embeds'], embeds, Limits.embeds);
  let total = 0;
  embeds.forEach((e: any, i) => {
    const p = ['embeds', i];
    issues.maxLength([...p, 'title'], e?.title, Limits.embedTitle);
    issues.maxLength([...p, 'description'], e?.description, Limits.embedDescription);
    issues.maxLength([...p, 'footer', 'text'], e?.footer?.text, Limits.embedFooter);
    issues.maxLength([...p, 'author', 'name'], e?.author?.name, Limits.embedAuthor);
    if (Array.isArray(e?.fields)) {
      issues.maxItems([...p, 'fields'], e.fields, Limits.embedFields);
      e.fields.forEach((f: any, j: number) => {
        issues.length([...p, 'fields', j, 'name'], f?.name, 1, Limits.embedFieldName);
        issues.length([...p, 'fields', j, 'value'], f?.value, 1, Limits.embedFieldValue);
      });
    }
    total += embedChars(e);
  });
  if (total > Limits.embedTotalChars) {
    issues.add(['embeds'], 'MAX_EMBED_SIZE_EXCEEDED', `Embed size exceeds maximum size of ${Limits.embedTotalChars}`);
  }
}

function checkButton(issues: Issues, path: Array<string | number>, b: any) {
  issues.maxLength([...path, 'label'], b?.label, Limits.buttonLabel);
  if (b?.style === 5) {
    if (typeof b.url !== 'string') issues.add([...path, 'url'], 'BASE_TYPE_REQUIRED', 'This field is required');
    if (b.custom_id !== undefined) issues.add([...path, 'custom_id'], 'COMPONENT_CUSTOM_ID_NOT_ALLOWED', 'A link button cannot have a custom id');
  } else if (b?.style === 6) {
    if (typeof b.sku_id !== 'string') issues.add([...path, 'sku_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
  } else {
    if (b?.custom_id === undefined) issues.add([...path, 'custom_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
    else issues.length([...path, 'custom_id'], b.custom_id, 1, Limits.customId);
    if (b?.url !== undefined) issues.add([...path, 'url'], 'COMPONENT_URL_NOT_ALLOWED', 'Only link buttons may have a url');
  }
}

function checkSelect(issues: Issues, path: Array<string | number>, s: any) {
  issues.length([...path, 'custom_id'], s?.custom_id, 1, Limits.customId);
  issues.maxLength([...path, 'placeholder'], s?.placeholder, Limits.selectPlaceholder);
  const min = s?.min_values ?? 1;
  const max = s?.max_values ?? 1;
  if (typeof min === 'number' && (min < 0 || min > 25)) issues.add([...path, 'min_values'], 'NUMBER_TYPE_MAX', 'min_values must be between 0 and 25');
  if (typeof max === 'number' && (max < 1 || max > 25)) issues.add([...path, 'max_values'], 'NUMBER_TYPE_MAX', 'max_values must be between 1 and 25');
  if (typeof min === 'number' && typeof max === 'number' && min > max) {
    issues.add([...path, 'min_values'], 'SELECT_COMPONENT_MIN_VALUES_GREATER_THAN_MAX', 'min_values cannot exceed max_values');
  }
  if (s?.type === 3) {
    const options = Array.isArray(s.options) ? s.options : [];
    if (options.length < 1 || options.length > Limits.selectOptions) {
      issues.add([...path, 'options'], 'BASE_TYPE_BAD_LENGTH', `Must be between 1 and ${Limits.selectOptions} in length.`);
    }
    if (typeof max === 'number' && options.length > 0 && max > options.length) {
      issues.add([...path, 'max_values'], 'SELECT_COMPONENT_MAX_VALUES_EXCEEDS_OPTIONS', 'max_values cannot exceed the number of options');
    }
    options.forEach((o: any, i: number) => {
      issues.length([...path, 'options', i, 'label'], o?.label, 1, 100);
      issues.length([...path, 'options', i, 'value'], o?.value, 1, 100);
      issues.maxLength([...path, 'options', i, 'description'], o?.description, 100);
    });
    const values = options.map((o: any) => o?.value);
    if (new Set(values).size !== values.length) issues.add([...path, 'options'], 'SELECT_COMPONENT_OPTION_VALUE_DUPLICATED', 'Option values must be unique');
  }
}

/** Legacy layout: up to 5 action rows, each 1-5 buttons or exactly one select. */
function checkActionRows(issues: Issues, components: any[], customIds: Map<string, Array<string | number>>) {
  issues.maxItems(['components'], components, Limits.actionRows);
  components.forEach((row: any, i) => {
    const p = ['components', i];
    if (row?.type !== 1) {
      issues.add([...p, 'type'], 'COMPONENT_TYPE_INVALID', 'Top-level components must be action rows unless the message uses the IS_COMPONENTS_V2 flag');
      return;
    }
    checkRow(issues, p, row, customIds);
  });
}

function checkRow(issues: Issues, p: Array<string | number>, row: any, customIds: Map<string, Array<string | number>>) {
  const children: any[] = Array.isArray(row.components) ? row.components : [];
  if (children.length === 0) issues.add([...p, 'components'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.');
  const selects = children.filter((c) => SELECT_TYPES.has(c?.type)).length;
  const buttons = children.filter((c) => c?.type === 2).length;
  if (selects > 0 && (selects > 1 || buttons > 0)) {
    issues.add([...p, 'components'], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'The specified component exceeds the maximum width');
  }
  if (buttons > Limits.buttonsPerRow) {
    issues.add([...p, 'components'], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'The specified component exceeds the maximum width');
  }
  children.forEach((c: any, j: number) => {
    const cp = [...p, 'components', j];
    if (c?.type === 2) checkButton(issues, cp, c);
    else if (SELECT_TYPES.has(c?.type)) checkSelect(issues, cp, c);
    else if (c?.type === 4) issues.add([...cp, 'type'], 'COMPONENT_TYPE_INVALID', 'Text inputs are only allowed in modals');
    if (typeof c?.custom_id === 'string') {
      if (customIds.has(c.custom_id)) issues.add([...cp, 'custom_id'], 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
      customIds.set(c.custom_id, cp);
    }
  });
}

/** Components v2: nested layout, at most 40 components in total, no content or embeds. */
function checkComponentsV2(issues: Issues, components: any[], body: any) {
  let total = 0;
  const customIds = new Map<string, Array<string | number>>();
  const walk = (c: any, path: Array<string | number>) => {
    total++;
    if (c?.type === 1) {
      checkRow(issues, path, c, customIds);
      total += Array.isArray(c.components) ? c.components.length : 0;
      return;
    }
    if (c?.type === 2) checkButton(issues, path, c);
    for (const key of ['components', 'items']) {
      if (Array.isArray(c?.[key])) for (const [i, child] of (c[key] as any[]).entries()) walk(child, [...path, key, i]);
    }
    if (c?.accessory) walk(c.accessory, [...path, 'accessory']);
  };
  for (const [i, c] of components.entries()) walk(c, ['components', i]);
  if (total > Limits.componentsV2Total) {
    issues.add(['components'], 'COMPONENT_MAX_TOTAL_COMPONENTS_EXCEEDED', `Must be ${Limits.componentsV2Total} or fewer in total.`);
  }
  if (typeof body.content === 'string' && body.content.length > 0) {
    issues.add(['content'], 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2', 'The content field cannot be used when using MessageFlags.IS_COMPONENTS_V2');
  }
  if (Array.isArray(body.embeds) && body.embeds.length > 0) {
    issues.add(['embeds'], 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2', 'The embeds field cannot be used when using MessageFlags.IS_COMPONENTS_V2');
  }
}

/** Message bodies: channel messages, webhook follow-ups and edits, callback types 4 and 7. */
export function checkMessageBody(body: any): LimitIssue[] {
  const issues = new Issues();
  if (!body || typeof body !== 'object') return issues.list;
  issues.maxLength(['content'], body.content, Limits.content);
  checkEmbeds(issues, body.embeds);
  if (Array.isArray(body.components)) {
    if ((Number(body.flags ?? 0) & (1 << 15)) !== 0) checkComponentsV2(issues, body.components, body);
    else checkActionRows(issues, body.components, new Map());
  }
  return issues.list;
}

// ---------------------------------------------------------------- modals

function checkTextInput(issues: Issues, p: Array<string | number>, t: any, inLabel: boolean) {
  if (t?.type !== 4) return;
  issues.length([...p, 'custom_id'], t.custom_id, 1, Limits.customId);
  if (t.style !== 1 && t.style !== 2 && !(inLabel && t.style === undefined)) {
    issues.add([...p, 'style'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2}.');
  }
  if (!inLabel) issues.length([...p, 'label'], t.label, 1, Limits.textInputLabel);
  if (t.min_length !== undefined && (t.min_length < 0 || t.min_length > Limits.textInputValue)) {
    issues.add([...p, 'min_length'], 'NUMBER_TYPE_MAX', `min_length must be between 0 and ${Limits.textInputValue}`);
  }
  if (t.max_length !== undefined && (t.max_length < 1 || t.max_length > Limits.textInputValue)) {
    issues.add([...p, 'max_length'], 'NUMBER_TYPE_MAX', `max_length must be between 1 and ${Limits.textInputValue}`);
  }
  issues.maxLength([...p, 'value'], t.value, Limits.textInputValue);
  issues.maxLength([...p, 'placeholder'], t.placeholder, Limits.textInputPlaceholder);
}

/** Callback type 9 data: title ≤45, 1-5 top-level components (rows of one text input, or labels). */
export function checkModal(data: any): LimitIssue[] {
  const issues = new Issues();
  if (!data || typeof data !== 'object') return issues.list;
  issues.length(['title'], data.title, 1, Limits.modalTitle);
  issues.length(['custom_id'], data.custom_id, 1, Limits.customId);
  const comps: any[] = Array.isArray(data.components) ? data.components : [];
  if (comps.length < 1 || comps.length > Limits.modalComponents) {
    issues.add(['components'], 'BASE_TYPE_BAD_LENGTH', `Must be between 1 and ${Limits.modalComponents} in length.`);
  }
  comps.forEach((c, i) => {
    const p = ['components', i];
    if (c?.type === 1) {
      const inner = Array.isArray(c.components) ? c.components : [];
      if (inner.length !== 1 || inner[0]?.type !== 4) {
        issues.add([...p, 'components'], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'A modal action row holds exactly one text input');
      }
      for (const [j, t] of (inner as any[]).entries()) checkTextInput(issues, [...p, 'components', j], t, false);
    } else if (c?.type === 18) {
      issues.length([...p, 'label'], c.label, 1, Limits.textInputLabel);
      issues.maxLength([...p, 'description'], c.description, 100);
      if (c.component?.type === 4) checkTextInput(issues, [...p, 'component'], c.component, true);
      else if (SELECT_TYPES.has(c.component?.type)) checkSelect(issues, [...p, 'component'], c.component);
    } else if (c?.type !== 10) {
      issues.add([...p, 'type'], 'COMPONENT_TYPE_INVALID', 'Modals accept action rows with text inputs, labels and text displays');
    }
  });
  return issues.list;
}

// ---------------------------------------------------------------- application commands

function checkOptions(issues: Issues, path: Array<string | number>, options: unknown, depth: number) {
  if (!Array.isArray(options)) return;
  issues.maxItems([...path, 'options'], options, Limits.commandOptions);
  const names = new Set<string>();
  let sawOptional = false;
  options.forEach((o: any, i: number) => {
    const p = [...path, 'options', i];
    checkCommandName(issues, [...p, 'name'], o?.name);
    if (names.has(o?.name)) issues.add([...p, 'name'], 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS', 'Option names must be unique');
    names.add(o?.name);
    issues.length([...p, 'description'], o?.description, 1, Limits.commandDescription);
    const isSub = o?.type === 1 || o?.type === 2;
    if (isSub) {
      if (depth >= 2 || (o.type === 2 && depth >= 1)) {
        issues.add([...p, 'type'], 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'Subcommands cannot be nested this deep');
      }
      checkOptions(issues, p, o.options, depth + 1);
      return;
    }
    if (o?.required) {
      if (sawOptional)
        issues.add([...p, 'required'], 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
    } else sawOptional = true;
    if (Array.isArray(o?.choices)) {
      issues.maxItems([...p, 'choices'], o.choices, Limits.commandChoices);
      if (o.autocomplete) issues.add([...p, 'autocomplete'], 'APPLICATION_COMMAND_AUTOCOMPLETE_CHOICES_CONFLICT', 'Autocomplete cannot be used with choices');
      o.choices.forEach((c: any, j: number) => {
        issues.length([...p, 'choices', j, 'name'], c?.name, 1, 100);
        if (typeof c?.value === 'string') issues.length([...p, 'choices', j, 'value'], c.value, 1, 100);
      });
    }
  });
}

function checkCommandName(issues: Issues, path: Array<string | number>, name: unknown) {
  if (typeof name !== 'string' || !COMMAND_NAME.test(name) || name !== name.toLowerCase()) {
    issues.add(path, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  }
}

/** One command definition (POST / PATCH) or, with `list`, a bulk overwrite (PUT). */
export function checkCommand(cmd: any, path: Array<string | number> = []): LimitIssue[] {
  const issues = new Issues();
  checkCommandInto(issues, cmd, path);
  return issues.list;
}

function checkCommandInto(issues: Issues, cmd: any, path: Array<string | number>) {
  const type = cmd?.type ?? 1;
  if (type === 1) {
    checkCommandName(issues, [...path, 'name'], cmd?.name);
    issues.length([...path, 'description'], cmd?.description, 1, Limits.commandDescription);
    checkOptions(issues, path, cmd?.options, 0);
  } else {
    // User and message commands may use spaces and capitals; they carry no description.
    issues.length([...path, 'name'], cmd?.name, 1, Limits.commandName);
    if (cmd?.description)
      issues.add([...path, 'description'], 'APPLICATION_COMMAND_DESCRIPTION_NOT_ALLOWED', 'Context menu commands cannot have a description');
  }
}

export function checkCommandList(list: unknown): LimitIssue[] {
  const issues = new Issues();
  if (!Array.isArray(list)) return issues.list;
  const seen = new Set<string>();
  const counts = new Map<number, number>();
  list.forEach((cmd: any, i) => {
    checkCommandInto(issues, cmd, [i]);
    const type = cmd?.type ?? 1;
    counts.set(type, (counts.get(type) ?? 0) + 1);
    const key = `${type}:${cmd?.name}`;
    if (seen.has(key)) issues.add([i, 'name'], 'APPLICATION_COMMANDS_DUPLICATE_NAME', `Application command names must be unique`);
    seen.add(key);
  });
  if ((counts.get(1) ?? 0) > Limits.chatCommands) {
    issues.add([], 'BASE_TYPE_MAX_LENGTH', `Must be ${Limits.chatCommands} or fewer chat input commands.`);
  }
  for (const t of [2, 3]) {
    if ((counts.get(t) ?? 0) > Limits.contextCommands) {
      issues.add([], 'BASE_TYPE_MAX_LENGTH', `Must be ${Limits.contextCommands} or fewer ${t === 2 ? 'user' : 'message'} commands.`);
    }
  }
  return issues.list;
}
