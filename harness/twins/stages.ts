// Every stage of the head with its twin test (harness/twins/stimuli/), in data order.
import type { StageTwin } from './stage-twin.ts';
import { approxScalerTwin } from './stimuli/approx-scaler.ts';
import { comparatorTreeTwin } from './stimuli/comparator-tree.ts';
import { dividerTwin } from './stimuli/divider.ts';
import { expUnitTwin } from './stimuli/exp-unit.ts';
import { inputStageTwin } from './stimuli/input-stage.ts';
import { logitBankTwin } from './stimuli/logit-bank.ts';
import { macArrayTwin } from './stimuli/mac-array.ts';
import { normalizerTwin } from './stimuli/normalizer.ts';
import { outputStageTwin } from './stimuli/output-stage.ts';
import { reciprocalTwin } from './stimuli/reciprocal.ts';
import { streamSelectorTwin } from './stimuli/stream-selector.ts';

export const TWINS: readonly StageTwin[] = [
  inputStageTwin,
  macArrayTwin,
  logitBankTwin,
  comparatorTreeTwin,
  streamSelectorTwin,
  expUnitTwin,
  normalizerTwin,
  reciprocalTwin,
  dividerTwin,
  outputStageTwin,
  approxScalerTwin,
];
