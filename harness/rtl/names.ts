// Where a model signal lives in the RTL's hierarchy. The same dotted path, except that rtl/head.v
// instantiates its selector (comparator_tree or stream_selector) inside the generate block
// `g_select`: readers drop that scope (waves/vcd-source.ts fullName), writers of RTL paths
// (GTKWave layouts, Verilator's dumpvars) put it back.
export const SELECT_SCOPE = 'g_select';

export const rtlName = (name: string): string => name.replace(/^head\.(comparator_tree|stream_selector)\./, `head.${SELECT_SCOPE}.$1.`);
