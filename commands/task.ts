import { SlashCommandBuilder } from 'discord.js';
import { z } from 'zod';
import type { CommandContext } from '../src/discord/command.ts';
import { reply, UserFacingError, type Outcome } from '../src/discord/reply.ts';
import { problemText } from '../src/discord/problem-texts.ts';
import { EARLIER_TASKS_SHOWN, taskCommitted, taskReported, tasksShown } from '../src/discord/task-views.ts';
import { TASK_NOTE_MAX_LENGTH, TASK_OUTCOMES, TASK_TEXT_MAX_LENGTH } from '../src/domain/tasks/practical-task.ts';

const OUTCOME_CHOICES = [
  { name: 'Done', value: 'done' },
  { name: 'Partly', value: 'partly' },
  { name: 'Not done', value: 'not-done' },
] as const satisfies ReadonlyArray<{ name: string; value: (typeof TASK_OUTCOMES)[number] }>;

export const definition = new SlashCommandBuilder()
  .setName('task')
  .setDescription('Your practical task for the week (only you see it)')
  .addSubcommand((s) =>
    s
      .setName('set')
      .setDescription('Commit to one small step for the coming week')
      .addStringOption((o) =>
        o.setName('text').setDescription('The step, in a few words').setRequired(true).setMinLength(1).setMaxLength(TASK_TEXT_MAX_LENGTH),
      ),
  )
  .addSubcommand((s) =>
    s
      .setName('report')
      .setDescription('Say how your practical task went')
      .addStringOption((o) =>
        o
          .setName('outcome')
          .setDescription('How it went')
          .setRequired(true)
          .addChoices(...OUTCOME_CHOICES),
      )
      .addStringOption((o) => o.setName('note').setDescription('What you learned (optional)').setMaxLength(TASK_NOTE_MAX_LENGTH)),
  )
  .addSubcommand((s) => s.setName('show').setDescription('See your practical task, how it went, and your last few'))
  .toJSON();

export const access = 'member';

const subcommand = z.enum(['set', 'report', 'show']);
const reportOptions = z.object({ outcome: z.enum(TASK_OUTCOMES), note: z.string().nullable() });

/** Every answer is the member's own and ephemeral (reply's default): tasks are never listed publicly. */
export async function execute({ interaction, services, guildId, userId, care }: CommandContext): Promise<Outcome> {
  switch (subcommand.parse(interaction.options.getSubcommand(true))) {
    case 'set': {
      care.screen(interaction.options.getString('text'), 'private');
      const committed = await services.tasks.set(guildId, userId, z.string().parse(interaction.options.getString('text', true)), null);
      if (!committed.ok) throw new UserFacingError(problemText.task(committed.error));
      return reply(taskCommitted(committed.value));
    }
    case 'report': {
      care.screen(interaction.options.getString('note'), 'private');
      const options = reportOptions.parse({ outcome: interaction.options.getString('outcome', true), note: interaction.options.getString('note') });
      const reported = await services.tasks.report(guildId, userId, options.outcome, options.note);
      if (!reported.ok) throw new UserFacingError(problemText.task(reported.error));
      return reply(taskReported(reported.value));
    }
    case 'show': {
      const { current, earlier } = await services.tasks.overview(guildId, userId, EARLIER_TASKS_SHOWN);
      return reply(tasksShown(current, earlier));
    }
  }
}
