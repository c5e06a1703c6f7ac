/** Written in place of a member's id in a record that stays after they deleted their data. */
export const REMOVED_MEMBER = 'removed';
