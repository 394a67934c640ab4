// The formal harness of one configuration: a generated top `formal_top` that instantiates
// `head` with the RTL parameters (harness/rtl/params.ts) and the property module beside it on
// the same ports, plus one output `bad_<property>` per property (1 = violated), which is what
// the AIGER model checker sees (harness/formal/build.ts wires them to the p_* wires).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { timing, type Geometry } from '../../models/geometry.ts';

export const PROPS_DIR = fileURLToPath(new URL('./props/', import.meta.url));
export const HEAD_PROPS = `${PROPS_DIR}head_props.v`;

/** A property: `wire p_<name> = …;` in a property file, with its attributes. */
export interface PropertyDecl {
  name: string;
  /** (* lemma *): proved on its own (assuming the lemmas before it); other properties may assume it */
  lemma: boolean;
  /**
   * The lemmas it is checked under: the property counts as violated only on traces where these
   * held throughout. (* lemmas = "a,b" *) names them; by default every lemma (for a lemma, every
   * one before it). A proof under a lemma that is not itself proved proves nothing (prove.ts).
   */
  assumes: string[];
  /** the comment lines above it: what it says */
  doc: string;
}

/** The properties of a property file, in order, with the comments that explain them. */
export function propertiesOf(file: string): PropertyDecl[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const found: { name: string; lemma: boolean; listed: string[] | null; doc: string }[] = [];
  lines.forEach((line, i) => {
    const m = /^\s*(?:\(\*([^*]*)\*\)\s*)?wire p_(\w+)\s*=/.exec(line);
    if (!m) return;
    const attrs = m[1] ?? '';
    const listed = /\blemmas\s*=\s*"([^"]*)"/.exec(attrs);
    const doc: string[] = [];
    for (let j = i - 1; j >= 0 && /^\s*\/\//.test(lines[j]!); j--) doc.unshift(lines[j]!.replace(/^\s*\/\/\s?/, ''));
    found.push({
      name: m[2]!,
      lemma: /(^|,)\s*lemma\s*(,|$)/.test(attrs),
      listed: listed
        ? listed[1]!
            .split(',')
            .map((n) => n.trim())
            .filter(Boolean)
        : null,
      doc: doc.join(' '),
    });
  });
  const lemmas = found.filter((p) => p.lemma).map((p) => p.name);
  return found.map(({ listed, ...p }) => {
    const before = p.lemma ? lemmas.slice(0, lemmas.indexOf(p.name)) : lemmas;
    for (const n of listed ?? [])
      if (!before.includes(n)) throw new Error(`${file}: p_${p.name} assumes '${n}', which is not a lemma${p.lemma ? ' before it' : ''}`);
    return { ...p, assumes: listed ?? before };
  });
}

/** Taps of a property file: wire name → path of the head's signal. */
export function tapsOf(file: string): { wire: string; path: string }[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/\(\*\s*tap\s*=\s*"([^"]+)"\s*\*\)\s*wire\s*(?:\[[^\]]*\]\s*)?(\w+)\s*;/g)].map((m) => ({ wire: m[2]!, path: m[1]! }));
}

/** Parameters of head_props, from the geometry the RTL is built from. */
export function propsParams(g: Geometry): Record<string, number> {
  const t = timing(g);
  const div = g.mode === 'softmax' && g.serial ? g.Q : 0;
  return {
    CLASSES: g.N,
    ENTRIES: g.E,
    IDX_W: g.idxW,
    VAL_W: g.valW,
    KPAR: g.kPar,
    IN_W: g.inW,
    BEATS: g.B,
    PASSES: g.P,
    SELECT: g.stream ? 1 : 0,
    CPAR: g.cPar,
    EMIT_ALL: g.emitAll ? 1 : 0,
    LATENCY: t.latency,
    // cycles from the back end's first cycle (state leaves IDLE) to the first entry
    BACK: (t.stages.select ?? 0) + (t.stages.normalize ?? 0) + (t.stages.emit ?? 0),
    II: t.ii,
    ENTRY_CYCLES: div + 1,
    // the timing counters count to the longest wait they check, and one past it (they stop at their maximum)
    T_W: Math.max(4, Math.ceil(Math.log2(Math.max(t.latency, t.ii, t.latency - g.B + (div + 1) * g.E) + 2))),
  };
}

const paramList = (p: Record<string, number | string>) =>
  Object.entries(p)
    .map(([k, v]) => `.${k}(${typeof v === 'number' ? v : JSON.stringify(v)})`)
    .join(', ');

/**
 * The property outputs of a generated top: bad_<name> per property (the port list entries) and
 * the logic behind them. A property counts as violated only on a trace where the environment
 * kept its rules throughout (env_ok) and where the lemmas it assumes held: the lemmas are proved
 * on their own (each under the ones before it, so the order is sound), so this removes only
 * unreachable traces, and the engine need not rediscover them.
 */
export function propertyOutputs(properties: PropertyDecl[]): { ports: string; logic: string } {
  const held = (names: string[]) => names.map((n) => ` && held_${n}`).join('');
  const lines: string[] = [
    '  wire env_ok;  // driven by props.env_ok (build.ts)',
    "  reg env_held = 1'b1;",
    '  always @(posedge clk) env_held <= env_held && env_ok;',
  ];
  for (const p of properties) lines.push(`  wire ok_${p.name};  // driven by props.p_${p.name} (build.ts)`);
  for (const p of properties.filter((q) => q.lemma)) {
    // held_<lemma>: it held in every cycle so far, this one included
    lines.push(
      `  reg was_${p.name} = 1'b1;`,
      `  always @(posedge clk) was_${p.name} <= was_${p.name} && ok_${p.name};`,
      `  wire held_${p.name} = was_${p.name} && ok_${p.name};`,
    );
  }
  for (const p of properties) lines.push(`  assign bad_${p.name} = env_held && env_ok${held(p.assumes)} && !ok_${p.name};`);
  return { ports: properties.map((p) => `  output wire bad_${p.name},\n`).join(''), logic: lines.join('\n') + '\n' };
}

/** formal_top.v: head and its properties on shared ports, a bad_<name> output per property. */
export function topSource(g: Geometry, headParams: Record<string, number | string>, properties: PropertyDecl[]): string {
  const sW = g.kPar * g.inW;
  const out = propertyOutputs(properties);
  return `// Generated by harness/formal/top.ts: do not edit.
module formal_top (
${out.ports}  input  wire clk,
  input  wire rst,
  input  wire s_valid,
  input  wire [${sW - 1}:0] s_data,
  input  wire s_last,
  input  wire m_ready
);
  wire s_ready, m_valid, m_last;
  wire [${g.idxW - 1}:0] m_index;
  wire [${g.valW - 1}:0] m_value;
  head #(${paramList(headParams)}) dut (
    .clk(clk), .rst(rst), .s_valid(s_valid), .s_ready(s_ready), .s_data(s_data), .s_last(s_last),
    .m_valid(m_valid), .m_ready(m_ready), .m_index(m_index), .m_value(m_value), .m_last(m_last));
  head_props #(${paramList(propsParams(g))}) props (
    .clk(clk), .rst(rst), .s_valid(s_valid), .s_ready(s_ready), .s_data(s_data), .s_last(s_last),
    .m_valid(m_valid), .m_ready(m_ready), .m_index(m_index), .m_value(m_value), .m_last(m_last));
${out.logic}endmodule
`;
}

/**
 * formal_top.v around a self-contained property module (it instantiates its own stage, e.g. a
 * selector, and drives it): its free inputs are ports of the top, so that a counterexample's
 * witness gives them their values (an input left open would become an $anyseq cell, which the
 * replay into a VCD cannot set).
 */
export function harnessTopSource(
  module: string,
  params: Record<string, number | string>,
  properties: PropertyDecl[],
  inputs: { name: string; width: number }[],
): string {
  const out = propertyOutputs(properties);
  const ports = inputs.map((i) => `  input  wire ${i.width > 1 ? `[${i.width - 1}:0] ` : ''}${i.name},\n`).join('');
  const conns = inputs.map((i) => `, .${i.name}(${i.name})`).join('');
  return `// Generated by harness/formal/top.ts: do not edit.
module formal_top (
${out.ports}${ports}  input  wire clk,
  input  wire rst
);
  ${module} #(${paramList(params)}) props (.clk(clk), .rst(rst)${conns});
${out.logic}endmodule
`;
}
