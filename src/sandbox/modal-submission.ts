/**
 * What a member's modal submission looks like on the wire. Discord mirrors the layout of the
 * modal the bot showed (action rows, or labels around their component) and Discord's client
 * enforces the text inputs' rules first, so the sandbox does too.
 */

/** `data.components` of a MODAL_SUBMIT for the shown `modal`, filled with `fields` by custom_id. */
export function modalSubmission(modal: any, fields: Record<string, string>): any[] {
  const inputs = (modal.components ?? []).flatMap((c: any) => (c.type === 1 ? (c.components ?? []) : c.type === 18 ? [c.component] : []));
  const known = inputs.map((t: any) => t?.custom_id).filter((id: unknown) => typeof id === 'string');
  const unknown = Object.keys(fields).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new Error(`Modal ${modal.custom_id} has no field(s) ${unknown.join(', ')} (fields: ${known.join(', ')})`);
  let nextId = 1;
  const input = (t: any) => {
    const value = fields[t.custom_id] ?? '';
    const required = t.required ?? true;
    if (required && value.length === 0) throw new Error(`Modal ${modal.custom_id}: field ${t.custom_id} is required`);
    const len = [...value].length;
    if (value.length > 0 && t.min_length !== undefined && len < t.min_length)
      throw new Error(`Modal ${modal.custom_id}: field ${t.custom_id} needs at least ${t.min_length} characters`);
    if (t.max_length !== undefined && len > t.max_length)
      throw new Error(`Modal ${modal.custom_id}: field ${t.custom_id} allows at most ${t.max_length} characters`);
    return { type: 4, id: t.id ?? nextId++, custom_id: t.custom_id, value };
  };
  return (modal.components ?? []).map((c: any) => {
    const id = c.id ?? nextId++;
    if (c.type === 1) return { type: 1, id, components: (c.components ?? []).map(input) };
    if (c.type === 18) {
      const inner = c.component;
      if (inner?.type === 4) return { type: 18, id, component: input(inner) };
      const raw = fields[inner?.custom_id] ?? '';
      return { type: 18, id, component: { type: inner?.type, id: inner?.id ?? nextId++, custom_id: inner?.custom_id, values: raw ? raw.split(',') : [] } };
    }
    return { type: c.type, id };
  });
}

/** Without a shown modal to mirror, submit one action row per field. */
export function rowsFromFields(fields: Record<string, string>): any[] {
  let id = 1;
  return Object.entries(fields).map(([custom_id, value]) => ({ type: 1, id: id++, components: [{ type: 4, id: id++, custom_id, value }] }));
}
