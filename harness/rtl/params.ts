// The RTL's parameters of a scenario's head: models/rtl-params.ts, the mapping from the model's
// Geometry to the parameter names (docs/ARCHITECTURE.md §Derived sizes), so the two cannot drift.
import type { Geometry } from '../../models/geometry.ts';
import { headParams } from '../../models/rtl-params.ts';

export { MODE_CODE, ramBlock } from '../../models/rtl-params.ts';

/** rtl/head.v's parameters, by name. */
export const rtlParams = (g: Geometry, relu: boolean): Record<string, number> => headParams(g, relu);
