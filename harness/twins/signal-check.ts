// The naming rule between a component and its RTL module, checked on the module as Verilator
// elaborates it (harness/rtl/module/elaborate.ts): the same parameters (by their RTL names),
// the same ports (names, directions, widths), every signal the model declares is a module-level
// variable of the same name and shape, and every register of the module that is ever anything
// but zero is one of the model's signals. Returns the differences, one line each.
import type { SignalList } from '../../models/head/signals.ts';
import { portBits, portsOf, signalName } from '../../models/head/signals.ts';
import type { ElaboratedModule } from '../rtl/module/elaborate.ts';

export function signalDifferences(module: string, params: Record<string, number>, list: SignalList, rtl: ElaboratedModule): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(params))
    if (rtl.params[k] !== v) out.push(`${module}: parameter ${k} is ${v} in the model, ${rtl.params[k] ?? 'missing'} in the RTL`);

  const show = (p: { name: string; dir: string; bits: number }) => `${p.dir === 'in' ? 'input' : 'output'} ${p.name} [${p.bits}]`;
  const model = portsOf(list).map(([name, s]) => show({ name, dir: s.kind, bits: portBits(s) }));
  const ports = rtl.ports.map(show);
  for (const p of model) if (!ports.includes(p)) out.push(`${module}: port ${p} of the model is not the RTL's (${rtl.ports.find((x) => x.name === p.split(' ')[1])?.bits ?? 'no such port'})`);
  for (const p of ports) if (!model.includes(p)) out.push(`${module}: port ${p} of the RTL is not the model's`);

  const names = new Set<string>();
  for (const [key, s] of Object.entries(list)) {
    if (s.kind === 'in' || s.absent) continue;
    const name = signalName(key, s);
    names.add(name);
    const v = rtl.vars.get(name);
    const shape = `${s.width} bits × ${s.lanes ?? 1}`;
    if (!v) out.push(`${module}: ${name} (${shape}) has no twin in the RTL module`);
    else if (v.width !== s.width || v.entries !== (s.lanes ?? 1)) out.push(`${module}: ${name} is ${shape} in the model, ${v.width} bits × ${v.entries} in the RTL`);
  }
  for (const r of rtl.registers)
    if (!names.has(r) && !rtl.zeroRegisters.has(r)) out.push(`${module}: register ${r} of the RTL has no twin in the model`);
  return out;
}
