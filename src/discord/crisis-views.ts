import type { CrisisAlert } from '../domain/safety/crisis-alert.ts';
import type { SafetySettings } from '../services/safety-service.ts';
import { text } from '../texts/texts.ts';
import { alertMessage, canAskForCheckIn, careComponents, resourcesText, takenLine } from './crisis-care.ts';
import type { Reply } from './reply.ts';

/**
 * The private answers of `/crisis` and its buttons, built from crisis care's pieces (crisis-care.ts:
 * the resources, their link buttons, the alert post).
 */

/** The resources, privately, for anyone at any time: the same from `/crisis` and the meeting's button. */
export function crisisResources(settings: SafetySettings): Reply {
  const offerCheckIn = canAskForCheckIn(settings);
  const lines = [text('crisis.command.intro'), resourcesText(settings), offerCheckIn ? text('care.privateWords') : text('care.reachAPerson')];
  return { content: lines.join('\n\n'), components: careComponents(settings, offerCheckIn) };
}

/**
 * The answer to "Ask a moderator to check in with me": `sent` only once the alert was delivered;
 * without a moderators' channel, or when delivery failed, the resources again (without the button).
 */
export function checkInAnswer(outcome: 'no-moderators' | 'repeated' | 'failed' | 'sent', settings: SafetySettings): Reply {
  switch (outcome) {
    case 'no-moderators':
      return { content: `${text('care.checkIn.noModerators')}\n\n${resourcesText(settings)}`, components: careComponents(settings, false) };
    case 'repeated':
      return { content: text('care.checkIn.repeat') };
    case 'failed':
      return { content: `${text('care.checkIn.failed')}\n\n${resourcesText(settings)}`, components: careComponents(settings, false) };
    case 'sent':
      return { content: text('care.checkIn.sent') };
  }
}

/**
 * The post "I'm on it" was pressed on, once the alert was taken: the alert itself shows who took it; a
 * follow-up (`pressedOn` another message) just says so, without buttons (as refreshAlertPosts leaves it).
 */
export function takenAlert(alert: CrisisAlert, settings: SafetySettings, pressedOn: string | undefined): Reply {
  return pressedOn === alert.messageId ? alertMessage(alert, settings) : { content: takenLine(alert), components: [] };
}
