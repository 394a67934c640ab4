// One sweep point's progress through its pieces of work (harness/sweep/point.ts): what came
// back, and what the row still waits for. A fresh point waits for its preparation and its
// flattened synthesis, then for the submodules its elaboration listed and, with --verify, for
// its cosim; a cached row that only lacks its verification waits for that alone.
import type { FlatReport, ModuleReport } from '../synth/synth.ts';
import type { PointKeys } from './keys.ts';
import type { PointSpec, Prepared } from './point.ts';
import type { Verification } from './verify.ts';
import type { PointRow, Result, RowInputs } from './row.ts';
import type { SweepPoint } from './spec.ts';

/** One submodule's synthesis as it came back (shared by every point with that module). */
export type ModuleResult = ModuleReport | { error: string };

/** What a point waits for: a piece of its own, one submodule (by key), or nothing (its row can be made). */
export type Waiting =
  | { for: 'own' }
  | { for: 'module'; key: string }
  | { for: 'nothing'; mods: ModuleReport[]; moduleErrors: Record<string, string> };

export class PointState implements RowInputs {
  prep: Result<Prepared> | undefined;
  flat: Result<FlatReport> | undefined;
  verification: Verification | undefined;
  done = false;

  constructor(
    readonly p: SweepPoint,
    readonly spec: PointSpec,
    readonly keys: PointKeys,
    /** a cached row that only lacks its verification */
    readonly prev: PointRow | null,
    readonly needVerify: boolean,
  ) {}

  /** The preparation's submodules (none when it failed or the breakdown was not asked for). */
  get submodules() {
    return this.prep && 'value' in this.prep ? (this.prep.value.submodules ?? []) : [];
  }

  waiting(moduleOf: (key: string) => ModuleResult | undefined): Waiting {
    if (this.prev) return this.verification ? { for: 'nothing', mods: [], moduleErrors: {} } : { for: 'own' };
    if (!this.prep || !this.flat) return { for: 'own' };
    // a failed preparation queues no verification
    if (this.needVerify && !this.verification && 'value' in this.prep) return { for: 'own' };
    const mods: ModuleReport[] = [];
    const moduleErrors: Record<string, string> = {};
    for (const sub of this.submodules) {
      const m = moduleOf(sub.key);
      if (!m) return { for: 'module', key: sub.key };
      if ('error' in m) moduleErrors[sub.module] = m.error;
      else mods.push({ ...m, instances: sub.instances, type: sub.type, module: sub.module });
    }
    return { for: 'nothing', mods, moduleErrors };
  }
}
