// Where a model signal lives in the RTL's hierarchy. The same dotted path, except that a
// component instantiated inside a generate block sits in its scope: rtl/head.v's selector
// (comparator_tree or stream_selector) in `g_select`, rtl/output_stage.v's approx_scaler in
// `g_approx`. Readers drop those scopes (waves/vcd-source.ts INSTANCE_SCOPES), writers of RTL
// paths (GTKWave layouts, Verilator's dumpvars) put them back.
export const SELECT_SCOPE = 'g_select';
export const APPROX_SCOPE = 'g_approx';

export const rtlName = (name: string): string =>
  name
    .replace(/^head\.(comparator_tree|stream_selector)\./, `head.${SELECT_SCOPE}.$1.`)
    .replace(/^head\.output_stage\.approx_scaler\./, `head.output_stage.${APPROX_SCOPE}.approx_scaler.`);
