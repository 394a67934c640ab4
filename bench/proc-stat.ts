/**
 * CPU time of other processes (Linux /proc), to measure a simulator running in a child process
 * (the Verilator driver, vvp under cocotb) by CPU seconds rather than wall time. Resolution is
 * one clock tick (usually 10 ms); null where /proc is not available.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

const TICK = 100; // USER_HZ on Linux

interface Stat {
  pid: number;
  comm: string;
  pgrp: number;
  cpu: number;
}

function stat(pid: number): Stat | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = s.lastIndexOf(')');
    const comm = s.slice(s.indexOf('(') + 1, close);
    const f = s.slice(close + 2).split(' ');
    // fields after comm: state(3) ppid(4) pgrp(5) … utime(14) stime(15)
    return { pid, comm, pgrp: Number(f[2]), cpu: (Number(f[11]) + Number(f[12])) / TICK };
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) used so far by process `pid`, or null. */
export function cpuOf(pid: number): number | null {
  return stat(pid)?.cpu ?? null;
}

/** The process of group `pgrp` whose command is `comm` (e.g. vvp under a cocotb launcher). */
export function findInGroup(pgrp: number, comm: string): number | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  for (const d of pids) {
    const s = stat(Number(d));
    if (s && s.pgrp === pgrp && s.comm === comm) return s.pid;
  }
  return null;
}

/** This process's CPU seconds (user + system). */
export function selfCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export function cpuModel(): string {
  try {
    const m = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1]!.trim();
  } catch {
    /* not Linux */
  }
  return os.cpus()[0]?.model ?? 'unknown';
}
