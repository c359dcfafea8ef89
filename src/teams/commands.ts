/**
 * The text commands the bot understands, in every scope. The manifest's command lists are checked against this
 * table by a test, so the two cannot drift apart.
 */
export const BOT_COMMANDS = [
  { title: 'new user', description: 'Create a user in a customer tenant through Partner Center' },
  { title: 'history', description: 'List recent user requests, optionally for one customer' },
  { title: 'help', description: 'What this bot does and how to use it' },
] as const;

export type BotCommand = (typeof BOT_COMMANDS)[number]['title'];
