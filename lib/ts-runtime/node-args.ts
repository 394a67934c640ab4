// The node arguments that run a TypeScript file of headsim in a child process or a worker:
// `node ...tsNodeArgs() file.ts` (lib/ts-runtime/register.mjs).
export const TS_REGISTER = new URL('./register.mjs', import.meta.url).href;

export const tsNodeArgs = (): string[] => ['--import', TS_REGISTER];
