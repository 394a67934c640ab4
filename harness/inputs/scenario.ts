// A scenario is everything one run needs, built once in data order:
// config → geometry and tables → weights and vectors → references.
import type { HeadConfig, Mode } from '../../models/config.ts';
import { provenAccWidth } from '../../models/config.ts';
import { geometry, type Geometry } from '../../models/geometry.ts';
import { buildTables, type Tables } from '../../models/tables-set.ts';
import { generateWeights, type HeadWeights } from '../../models/weights.ts';
import { generateVectors, type InputVectors } from '../../models/vectors.ts';

export interface Scenario {
  config: HeadConfig;
  g: Geometry;
  t: Tables;
  w: HeadWeights;
  vectors: InputVectors;
  seed: number;
}

export interface ScenarioSources {
  weights?: HeadWeights;
  vectors?: InputVectors;
}

export function buildScenario(config: HeadConfig, count: number, seed: number, src: ScenarioSources = {}): Scenario {
  const g = geometry(config, provenAccWidth(config));
  return {
    config,
    g,
    t: buildTables(g),
    w: src.weights ?? generateWeights(config, seed),
    vectors: src.vectors ?? generateVectors(config, count, seed),
    seed,
  };
}

/** The same scenario in another mode: weights and vectors are shared, geometry and tables rebuilt. */
export function withMode(s: Scenario, mode: Mode): Scenario {
  const config = { ...s.config, mode };
  const g = geometry(config, provenAccWidth(config));
  return { ...s, config, g, t: buildTables(g) };
}
