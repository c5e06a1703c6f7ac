import { existsSync } from 'node:fs';
import { runBotProcess } from './run-bot.ts';

/** `npm start` (and each process of `npm run start:sharded`): the `.env` beside package.json, then the bot. */
if (existsSync('.env')) process.loadEnvFile('.env');
await runBotProcess();
