import { describe, expect, it } from 'vitest';
import type { LedgerEvent, OfferEvent } from '../../src/domain/help/ledger-events.ts';
import { tallyEvents } from '../../src/domain/help/tally.ts';
import { CHUNK_EVENTS, LedgerStore } from '../../src/store/ledger-store.ts';

/** Events filling two chunks and ten into a third; and one whole chunk and ten into a second. */
const THREE_CHUNKS = 2 * CHUNK_EVENTS + 10;
const TWO_CHUNKS = CHUNK_EVENTS + 10;
import { BACKENDS, inRun, storeFile } from './sqlite-file.ts';

const [GUILD, ASKER, GIVER] = ['g1', '100000000000000001', '100000000000000002'];
const TIMEZONE = 'UTC';
const DAY = '2026-11-26';
const NEXT_DAY = '2026-11-27';
const key = (name: string) => `guild:${GUILD}:${name}`;

/** The `index`th offer of the day, a second apart. */
const offer = (index: number, day = DAY): OfferEvent<'offer-made'> => ({
  id: `e${day}-${index}`,
  at: new Date(Date.parse(`${day}T08:00:00.000Z`) + index * 1000).toISOString(),
  kind: 'offer-made',
  offerId: `o${index}`,
  requestId: `r${index}`,
  giverId: GIVER,
  receiverId: ASKER,
});
const offers = (count: number, day = DAY) => Array.from({ length: count }, (_, index) => offer(index, day));
const wholeDay = { from: new Date(`${DAY}T00:00:00.000Z`), to: new Date(`${NEXT_DAY}T00:00:00.000Z`) };

describe.each(BACKENDS)('the help ledger, on $name', (backend) => {
  it('GIVEN events of every kind, and one of a kind a later release added, WHEN the file is reopened THEN the days, their events and their tallies read back the same', async () => {
    const file = await storeFile(backend);
    const at = (second: number) => `${DAY}T09:00:${String(second).padStart(2, '0')}.000Z`;
    const events = [
      { id: 'e1', at: at(1), kind: 'request-opened', requestId: 'r1', memberId: ASKER, anonymous: true },
      { id: 'e2', at: at(2), kind: 'offer-made', offerId: 'o1', requestId: 'r1', giverId: GIVER, receiverId: ASKER },
      { id: 'e3', at: at(3), kind: 'offer-confirmed', offerId: 'o1', requestId: 'r1', giverId: GIVER, receiverId: ASKER },
      { id: 'e4', at: at(4), kind: 'request-closed', requestId: 'r1', memberId: ASKER },
      { id: 'e5', at: at(5), kind: 'task-committed', memberId: ASKER, taskId: 't1', meetingId: null },
      { id: 'e6', at: at(6), kind: 'task-reported', memberId: ASKER, taskId: 't1', outcome: 'partly' },
      { id: 'e7', at: at(7), kind: 'meeting-action', memberId: GIVER, meetingId: 'm1', action: 'check-in' },
      { id: 'e8', at: at(8), kind: 'gratitude-sent', memberId: GIVER, to: ASKER },
      { id: 'e9', at: `${NEXT_DAY}T09:00:00.000Z`, kind: 'request-opened', requestId: 'r2', memberId: GIVER, anonymous: false },
    ] as unknown as LedgerEvent[];
    await inRun(GUILD, (tx) => new LedgerStore(file.store).append(tx, events, TIMEZONE));

    const ledger = new LedgerStore((await file.reopen()).store);
    expect(await ledger.days(GUILD)).toEqual([DAY, NEXT_DAY]);
    expect(await ledger.dayEvents(GUILD, DAY)).toEqual(events.slice(0, 8));
    expect(await ledger.dayEvents(GUILD, NEXT_DAY)).toEqual(events.slice(8));
    expect(await ledger.windowTallies(GUILD, [DAY, NEXT_DAY])).toEqual(tallyEvents(events, { from: wholeDay.from, to: new Date('2026-11-28T00:00:00.000Z') }));
  });

  it(`GIVEN a day of three chunks WHEN one more event is appended after a restart THEN only the day's last chunk (at most ${CHUNK_EVENTS} events) and its tallies are written`, async () => {
    const file = await storeFile(backend);
    await inRun(GUILD, (tx) => new LedgerStore(file.store).append(tx, offers(THREE_CHUNKS), TIMEZONE));
    expect(await file.keysStartingWith(key(`ledger:${DAY}`))).toEqual([key(`ledger:${DAY}`), key(`ledger:${DAY}:1`), key(`ledger:${DAY}:2`)]);

    const reopened = await file.reopen();
    const writes = await reopened.watchWrites();
    const ledger = new LedgerStore(reopened.store);
    await inRun(GUILD, (tx) => ledger.append(tx, [offer(THREE_CHUNKS)], TIMEZONE));
    expect(await writes()).toEqual([key(`ledger:${DAY}:2`), key(`tally:${DAY}`)]);
    expect(await ledger.dayEvents(GUILD, DAY)).toEqual(offers(THREE_CHUNKS + 1));
  });

  it('GIVEN a full last chunk WHEN an event is appended THEN it starts a new chunk and the full one is not written again', async () => {
    const file = await storeFile(backend);
    const ledger = new LedgerStore(file.store);
    await inRun(GUILD, (tx) => ledger.append(tx, offers(CHUNK_EVENTS), TIMEZONE));
    const writes = await file.watchWrites();
    await inRun(GUILD, (tx) => ledger.append(tx, [offer(CHUNK_EVENTS)], TIMEZONE));
    expect(await writes()).toEqual([key(`ledger:${DAY}:1`), key(`tally:${DAY}`)]);
    expect(await file.raw(key(`ledger:${DAY}:1`))).toEqual([offer(CHUNK_EVENTS)]);
  });

  it('GIVEN appends WHEN the tallies are read THEN they count every event of the day, stored with the chunk count', async () => {
    const file = await storeFile(backend);
    const ledger = new LedgerStore(file.store);
    for (const event of offers(TWO_CHUNKS)) await inRun(GUILD, (tx) => ledger.append(tx, [event], TIMEZONE));
    expect(await file.raw(key(`tally:${DAY}`))).toEqual({
      v: 2,
      chunks: 2,
      members: { [GIVER]: [TWO_CHUNKS, 0, 0, 0, 0], [ASKER]: [0, TWO_CHUNKS, 0, 0, 0] },
    });
    const reopened = new LedgerStore((await file.reopen()).store);
    expect(await reopened.windowTallies(GUILD, [DAY])).toEqual(tallyEvents(offers(TWO_CHUNKS), wholeDay));
  });

  it('GIVEN an event missing its giver WHEN the day is read THEN it is left out and reported by key and path, and the other events read', async () => {
    const file = await storeFile(backend);
    await inRun(GUILD, (tx) => new LedgerStore(file.store).append(tx, offers(3), TIMEZONE));
    const { giverId: _, ...withoutGiver } = offer(1);
    await file.put(key(`ledger:${DAY}`), [offer(0), withoutGiver, offer(2)]);
    const ledger = new LedgerStore(file.store);
    expect(await ledger.dayEvents(GUILD, DAY)).toEqual([offer(0), offer(2)]);
    expect(file.reports).toEqual([{ key: key(`ledger:${DAY}`), issues: ['1.giverId: invalid_type'], outcome: 'items-left-out' }]);
  });

  it('GIVEN a chunk whose text is not JSON WHEN the day is read THEN the other chunks still read and it is reported', async () => {
    const file = await storeFile(backend);
    await inRun(GUILD, (tx) => new LedgerStore(file.store).append(tx, offers(THREE_CHUNKS), TIMEZONE));
    await file.putText(key(`ledger:${DAY}:1`), '[{"id":"e1","at":');
    expect(await new LedgerStore(file.store).dayEvents(GUILD, DAY)).toEqual([...offers(CHUNK_EVENTS), ...offers(THREE_CHUNKS).slice(2 * CHUNK_EVENTS)]);
    expect(file.reports).toEqual([{ key: key(`ledger:${DAY}:1`), issues: ['(root): not_json'], outcome: 'read-as-absent' }]);
  });

  it("GIVEN a day's tallies of the wrong type WHEN /stats reads the window THEN they are rebuilt from the day's events and reported", async () => {
    const file = await storeFile(backend);
    await inRun(GUILD, (tx) => new LedgerStore(file.store).append(tx, offers(150), TIMEZONE));
    await file.put(key(`tally:${DAY}`), { v: 2, chunks: 'two', members: {} });
    const ledger = new LedgerStore(file.store);
    expect(await ledger.windowTallies(GUILD, [DAY])).toEqual(tallyEvents(offers(150), wholeDay));
    expect(file.reports).toEqual([{ key: key(`tally:${DAY}`), issues: ['chunks: invalid_type'], outcome: 'rebuilt' }]);
  });

  it("GIVEN a day's tallies that were rebuilt WHEN an event is appended to that day THEN the stored tallies are whole again", async () => {
    const file = await storeFile(backend);
    await inRun(GUILD, (tx) => new LedgerStore(file.store).append(tx, offers(TWO_CHUNKS), TIMEZONE));
    await file.putText(key(`tally:${DAY}`), '{"value":{"v":2,');
    await inRun(GUILD, (tx) => new LedgerStore(file.store).append(tx, [offer(TWO_CHUNKS)], TIMEZONE));
    const all = TWO_CHUNKS + 1;
    expect(await file.raw(key(`tally:${DAY}`))).toEqual({ v: 2, chunks: 2, members: { [GIVER]: [all, 0, 0, 0, 0], [ASKER]: [0, all, 0, 0, 0] } });
    expect(await new LedgerStore(file.store).dayEvents(GUILD, DAY)).toEqual(offers(all));
  });

  it('GIVEN a day of three chunks WHEN it is rewritten with fewer events than a chunk (a member deleted their data) THEN the spare chunks are gone and the tallies count what is left', async () => {
    const file = await storeFile(backend);
    const ledger = new LedgerStore(file.store);
    await inRun(GUILD, (tx) => ledger.append(tx, offers(THREE_CHUNKS), TIMEZONE));
    await inRun(GUILD, (tx) => ledger.rewriteDay(tx, DAY, offers(10)));
    expect(await file.keysStartingWith(key(`ledger:${DAY}`))).toEqual([key(`ledger:${DAY}`)]);
    const reopened = new LedgerStore((await file.reopen()).store);
    expect(await reopened.dayEvents(GUILD, DAY)).toEqual(offers(10));
    expect(await reopened.windowTallies(GUILD, [DAY])).toEqual(tallyEvents(offers(10), wholeDay));
  });

  it('GIVEN a day WHEN it is rewritten with no events (retention) THEN none of its keys remain and it leaves the list of days', async () => {
    const file = await storeFile(backend);
    const ledger = new LedgerStore(file.store);
    await inRun(GUILD, (tx) => ledger.append(tx, [...offers(250), ...offers(1, NEXT_DAY)], TIMEZONE));
    await inRun(GUILD, (tx) => ledger.rewriteDay(tx, DAY, []));
    expect(await file.keysStartingWith(key(`ledger:${DAY}`))).toEqual([]);
    expect(await file.keysStartingWith(key(`tally:${DAY}`))).toEqual([]);
    expect(await new LedgerStore((await file.reopen()).store).days(GUILD)).toEqual([NEXT_DAY]);
  });
});
