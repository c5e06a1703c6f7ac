/**
 * A Discord timestamp (`<t:UNIX:STYLE>`): each member sees it in their own time zone and language.
 * Styles: t short time, D date, F full date and time, R relative ("in 5 minutes").
 */
export function discordTime(at: Date | string, style: 't' | 'D' | 'F' | 'R'): string {
  return `<t:${Math.floor(new Date(at).getTime() / 1000)}:${style}>`;
}
