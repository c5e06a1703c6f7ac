import { applyCircleSettingsChange, type CircleSettings, type CircleSettingsChange, type CircleSettingsProblem } from '../domain/circle/circle-settings.ts';
import type { Result } from '../domain/result.ts';
import { everyGuild, type OwnsGuild } from '../domain/shards.ts';

import type { CircleSettingsRepository } from '../store/circle-settings-repository.ts';
import type { GuildIndex } from '../store/guild-index.ts';

/** The circle's set-up: which channels and roles it uses, its time zone, crisis text and reflection slot. */
export class CircleService {
  constructor(
    private readonly settingsRepository: CircleSettingsRepository,
    private readonly now: () => Date = () => new Date(),
    /** Every guild with a circle set up: what the weekly reflection walks. */
    private readonly guilds?: GuildIndex,
    /** The guilds this process serves (its shards); the others' circles are another process's. */
    private readonly owns: OwnsGuild = everyGuild,
  ) {}

  /** The guilds whose circle is set up, of those this process serves. */
  async guildIds(): Promise<string[]> {
    return ((await this.guilds?.all()) ?? []).filter(this.owns);
  }

  settings(guildId: string): Promise<CircleSettings | undefined> {
    return this.settingsRepository.get(guildId);
  }

  /** Validates the whole change first; on any problem nothing is stored. */
  async setup(guildId: string, actorId: string, change: CircleSettingsChange): Promise<Result<CircleSettings, CircleSettingsProblem>> {
    const saved = await this.settingsRepository.update(guildId, (current) => applyCircleSettingsChange(current, change, { userId: actorId, at: this.now() }));
    if (saved.ok) await this.guilds?.add(guildId);
    return saved;
  }
}
