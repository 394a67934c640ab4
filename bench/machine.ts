// What machine a bench ran on: CPU, cores, memory, tool versions, load.
import os from 'node:os';
import { checkCocotbSetup } from '../harness/rtl/cocotb/setup.ts';
import { verilatorVersion } from '../harness/rtl/verilator/verilate.ts';
import { runCommand } from '../lib/proc.ts';
import { cpuModel } from './proc-stat.ts';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGB: number;
  os: string;
  node: string;
  verilator: string | null;
  iverilog: string | null;
  cocotb: string | null;
  loadAverage: { start: number[]; end: number[] };
}

export async function machineInfo(): Promise<MachineInfo> {
  const tool = async (cmd: string, args: string[]) => {
    try {
      const r = await runCommand(cmd, args, { timeoutMs: 30_000 });
      return r.code === 0 ? (r.stdout || r.stderr).split('\n')[0]!.trim() : null;
    } catch {
      return null;
    }
  };
  let cocotb: string | null = null;
  try {
    cocotb = (await checkCocotbSetup()).cocotbVersion;
  } catch {
    /* no venv */
  }
  return {
    cpu: cpuModel(),
    cores: os.cpus().length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    verilator: await verilatorVersion().catch(() => null),
    iverilog: await tool('iverilog', ['-V']),
    cocotb,
    loadAverage: { start: os.loadavg(), end: [] },
  };
}
