// One module of rtl/ running alone under Verilator: its driver process (module_driver.cpp built
// by module-build.ts) behind the request channel, cycle batches of words in and out (words.ts).
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { spawnDriver, type DriverOptions } from '../verilator/bridge.ts';
import { ModuleClient } from './client.ts';
import { DRIVER_DEADLINE } from '../protocol.ts';
import type { ModuleLayout } from './layout.ts';
import type { WordBatch } from './words.ts';

export class ModuleBackend {
  private constructor(private readonly client: ModuleClient) {}

  /** Spawns the module's driver and checks its hello (the words per cycle, the port list). */
  static async start(layout: ModuleLayout, opts: DriverOptions): Promise<ModuleBackend> {
    const peer = spawnDriver(opts);
    const client = new ModuleClient(peer.child.stdout!, peer.child.stdin!, peer, layout, {
      timeoutMs: opts.timeoutMs ?? DRIVER_DEADLINE.timeoutMs,
      perCycleUs: opts.perCycleUs ?? DRIVER_DEADLINE.perCycleUs,
      chunk: opts.chunk ?? 16384,
    });
    await client.hello();
    return new ModuleBackend(client);
  }

  /** Cycles simulated so far. */
  get cycles(): number {
    return this.client.cycles;
  }

  /** Runs the next n cycles on the batch's inputs and fills its outputs. */
  run(batch: WordBatch, n: number): Promise<void> {
    return this.client.run(batch, n);
  }

  async traceStart(vcdPath: string): Promise<void> {
    const abs = path.resolve(vcdPath);
    await mkdir(path.dirname(abs), { recursive: true });
    await this.client.traceOn(abs);
  }

  traceStop(): Promise<void> {
    return this.client.traceOff();
  }

  close(timeoutMs = 10_000): Promise<void> {
    return this.client.finish(timeoutMs);
  }
}
