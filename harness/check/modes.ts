// Pass or fail of a run of modes (`sim`, `cosim`, the sweep's verification of a point): the
// sourced scenario through the mode loop (harness/run/modes.ts), one report per mode against
// the bit-true and float references, the cross-mode checks when every mode ran, the
// quantization report, and the checks that failed. The report object is docs/contract.md's
// `--json` of sim and cosim; printing it is the CLI's.
import { MODES, type Mode } from '../../models/config.ts';
import type { SourcedScenario } from '../inputs/sources.ts';
import { runModes, type ModeRunner } from '../run/modes.ts';
import type { TrafficOptions } from '../run/traffic.ts';
import { quantReport, type QuantizationReport } from './quant-report.ts';
import { buildReport, crossModeChecks, failedChecks, floatRefs, type Bars, type RunReport } from './report.ts';

export interface ModesRequest {
  /** names the report: sim or cosim */
  command: string;
  sourced: SourcedScenario;
  modes: readonly Mode[];
  traffic: TrafficOptions;
  bars: Bars;
  /** the modes at once (cosim) */
  concurrent?: boolean;
}

export interface ModesVerdict {
  runs: RunReport[];
  quantization: QuantizationReport;
  /** one count of saturated values, the quantization report's (inputs: those ReLU does not zero anyway) */
  saturated: { weights: number; bias: number; inputs: number };
  /** "mode: check: detail" of every check that failed; empty: pass */
  failed: string[];
  /** the `--json` report */
  report: Record<string, unknown>;
}

export async function checkModes(req: ModesRequest, runner: ModeRunner): Promise<ModesVerdict> {
  const { base, src, formats, autoFormats } = req.sourced;
  const floats = floatRefs(base);
  const runs: RunReport[] = [];
  const top1s: number[][] = [];
  for (const { scenario, outcome } of await runModes(base, req.modes, runner, req.traffic, { concurrent: req.concurrent })) {
    const { report, top1 } = buildReport(scenario, outcome, floats, req.bars);
    runs.push(report);
    top1s.push(top1);
  }
  if (req.modes.length === MODES.length) crossModeChecks(base, runs, top1s);
  const quantization = quantReport(base, floats, runs, formats, autoFormats, src.model);
  const saturated = { weights: quantization.weights.saturated, bias: quantization.bias.saturated, inputs: quantization.inputs.saturated };
  const model = src.model ? { ...src.model, predicted: undefined } : undefined;
  const report = { command: req.command, seed: base.seed, weights: src.describe, ...(model ? { model } : {}), quantization: saturated, quantizationReport: quantization, runs };
  return { runs, quantization, saturated, failed: failedChecks(runs), report };
}
