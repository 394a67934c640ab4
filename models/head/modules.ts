// The head's components by their RTL module's name, each with what its twin test and the name
// check need: the module's parameters, its signal list (ports and registers) and a constructor.
// rtl/head.v instantiates all of them but approx_scaler, which rtl/output_stage.v holds.
import type { Geometry } from '../geometry.ts';
import type { HeadContext } from './context.ts';
import type { SignalList } from './signals.ts';
import { ApproxScaler, approxScalerParams, approxScalerSignals } from './approx-scaler.ts';
import { ComparatorTree, comparatorTreeParams, comparatorTreeSignals } from './comparator-tree.ts';
import { Divider, dividerParams, dividerSignals } from './divider.ts';
import { ExpUnit, expUnitParams, expUnitSignals } from './exp-unit.ts';
import { InputStage, inputStageParams, inputStageSignals } from './input-stage.ts';
import { LogitBank, logitBankParams, logitBankSignals } from './logit-bank.ts';
import { MacArray, macArrayParams, macArraySignals } from './mac-array.ts';
import { Normalizer, normalizerParams, normalizerSignals } from './normalizer.ts';
import { OutputStage, outputStageParams, outputStageSignals } from './output-stage.ts';
import { Reciprocal, reciprocalParams, reciprocalSignals } from './reciprocal.ts';
import { StreamSelector, streamSelectorParams, streamSelectorSignals } from './stream-selector.ts';

/** A component as its parent sees it: the ports it drives, then its inputs. */
export interface ComponentModel {
  readonly out: Readonly<Record<string, number>>;
  connect(inputs: Readonly<Record<string, number>>): void;
}

export interface StageModule {
  /** the RTL module (rtl/<module>.v) and the model's instance scope */
  module: string;
  params: (g: Geometry, relu: boolean) => Record<string, number>;
  signals: (g: Geometry) => SignalList;
  create: (ctx: HeadContext, scope: string) => ComponentModel;
}

const stage = (module: string, params: StageModule['params'], signals: StageModule['signals'], create: StageModule['create']): StageModule => ({ module, params, signals, create });

/** In data order, as rtl/head.v instantiates them. */
export const STAGES: readonly StageModule[] = [
  stage('input_stage', inputStageParams, inputStageSignals, (ctx, scope) => new InputStage(ctx, scope)),
  stage('mac_array', macArrayParams, macArraySignals, (ctx, scope) => new MacArray(ctx, scope)),
  stage('logit_bank', logitBankParams, logitBankSignals, (ctx, scope) => new LogitBank(ctx, scope)),
  stage('comparator_tree', comparatorTreeParams, comparatorTreeSignals, (ctx, scope) => new ComparatorTree(ctx, scope)),
  stage('stream_selector', streamSelectorParams, streamSelectorSignals, (ctx, scope) => new StreamSelector(ctx, scope)),
  stage('exp_unit', expUnitParams, expUnitSignals, (ctx, scope) => new ExpUnit(ctx, scope)),
  stage('normalizer', normalizerParams, normalizerSignals, (ctx, scope) => new Normalizer(ctx, scope)),
  stage('reciprocal', reciprocalParams, reciprocalSignals, (ctx, scope) => new Reciprocal(ctx, scope)),
  stage('divider', dividerParams, dividerSignals, (ctx, scope) => new Divider(ctx, scope)),
  stage('output_stage', outputStageParams, outputStageSignals, (ctx, scope) => new OutputStage(ctx, scope)),
  stage('approx_scaler', approxScalerParams, approxScalerSignals, (ctx, scope) => new ApproxScaler(ctx, scope)),
];

export const stageModule = (module: string): StageModule => {
  const s = STAGES.find((x) => x.module === module);
  if (!s) throw new Error(`no stage module ${module} (${STAGES.map((x) => x.module).join(', ')})`);
  return s;
};
