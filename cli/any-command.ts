// A commander command whatever its options and arguments: what the shared option helpers and
// the commands' `cmd` parameter take (@commander-js/extra-typings carries a command's
// arguments, options and global options in three type parameters).
import type { Command } from '@commander-js/extra-typings';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any command, whatever its typed options
export type AnyCommand = Command<any, any, any>;
