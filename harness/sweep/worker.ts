// A sweep worker thread: runs pieces of point work on request (comlink over worker_threads).
// Each Yosys run it starts is a nested worker thread, one at a time.
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { flat, modules, prepare } from './point.ts';
import { verify } from './verify.ts';

const api = { prepare, flat, modules, verify };
export type SweepWorkerApi = typeof api;
Comlink.expose(api, nodeEndpoint(parentPort!));
