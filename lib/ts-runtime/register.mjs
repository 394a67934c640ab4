// `node --import <this file> cli/main.ts …`: runs headsim's TypeScript sources (./hooks.mjs),
// with stack traces mapped back to the .ts lines.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
process.setSourceMapsEnabled(true);
