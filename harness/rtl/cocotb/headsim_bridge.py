"""cocotb test module: the simulator end of headsim's cocotb backend (harness/rtl/cocotb/bridge.ts).

One cocotb test, ``bridge``, connects to the Unix socket named by $HEADSIM_SOCKET and serves the
binary batch protocol of harness/rtl/protocol.ts (the same one the Verilator driver
speaks): for every cycle of a BATCH it applies the inputs and samples the outputs of the DUT
under the harness's cycle convention, and replies with the sampled outputs. It checks nothing:
comparison is the TypeScript side's job.

Cycle t (times in ns; GPI clock ``Clock(dut.clk, 10, unit="ns", impl="gpi")`` started low):
  10t     falling edge of clk (cycle 0: the ReadWrite phase of time 0): the inputs are
          written at once (Immediate/no-delay deposits, only the ports that change);
          ReadOnly() of 10t: every process has settled, the outputs are sampled. These are
          the values the handshake uses at the coming edge.
  10t+5   rising edge (the clock does it; Python is not involved).
While the bridge waits for the next request the simulator is paused in ReadOnly() of 10t.

4-state values:
  * At time 0, after the initial blocks ran ($readmemh, plusargs), every variable and net of
    the DUT that still holds X/Z bits gets those bits deposited to 0 (memories word by word),
    like Verilator's --x-initial fast zero, so both backends start from the same state.
    Disable with $HEADSIM_X_INIT=x.
  * Outputs: X/Z bits read as 0 until the first rising edge with rst=1 has happened; after
    that an X/Z bit on any output is a protocol-level error: the bridge logs
    "X/Z on output <port> ... in cycle <n>" and stops the simulation (the TypeScript side
    rejects with that log tail).

Trace: TRACE_ON writes the path into headsim_cocotb_trace.path and sets .on at the start of the
next cycle (its $dumpvars/$dumpon then dumps from 10t on); TRACE_OFF sets .on=0 right after
the current cycle's rising edge (at 10t+6), so the last traced cycle keeps its edge.
"""

from __future__ import annotations

import logging
import os
import socket
import struct
import sys
from asyncio import CancelledError
from array import array

import cocotb
from cocotb import simulator
from cocotb.clock import Clock
from cocotb.simtime import get_sim_time
from cocotb.handle import ArrayObject, HierarchyArrayObject, HierarchyObject
from cocotb.triggers import FallingEdge, ReadOnly, ReadWrite, RisingEdge, Timer

# generated from harness/rtl/protocol.ts and ports.ts (harness/rtl/protocol-constants.ts)
from headsim_protocol import (
    HELLO_MAGIC,
    IN_M_READY,
    IN_RST,
    IN_S_LAST,
    IN_S_VALID,
    MAX_BATCH,
    OP_BATCH,
    OP_FINISH,
    OP_TRACE_OFF,
    OP_TRACE_ON,
    OUT_M_LAST,
    OUT_M_VALID,
    OUT_S_READY,
)

NO_DELAY = 3  # cocotb.handle._GPISetAction.NO_DELAY: the write cocotb's Immediate() does
TRACE_MODULE = "headsim_cocotb_trace"
TRACE_PATH_BYTES = 1024
XZ_TO_0 = str.maketrans("xXzZuUwW-", "000000000")

log = logging.getLogger("cocotb.headsim")  # under "cocotb": its handler and level (INFO)


class BridgeError(Exception):
    """A protocol-level failure (X on an output after reset, malformed request)."""


def pad4(n: int) -> int:
    return (n + 3) & ~3


class Server:
    def __init__(self, dut, sock: socket.socket) -> None:
        self.dut = dut
        self.sock = sock
        self.s_w = len(dut.s_data)
        self.idx_w = len(dut.m_index)
        self.val_w = len(dut.m_value)
        self.s_words = (self.s_w + 31) // 32
        self.s_mask = (1 << self.s_w) - 1
        self.cycle = 0  # cycles simulated so far
        self.started = False  # cycle 0 runs in the ReadWrite phase of time 0, later ones after a falling edge
        self.reset_done = False  # a rising edge with rst=1 has happened: X on outputs is now an error
        self.last_flags = 0  # the inputs as last written (all driven to 0 below)
        self.last_data = 0
        self.pending_on: bytes | None = None  # path to start tracing to at the next cycle
        self.tracing = False
        self.trace = simulator.get_root_handle(TRACE_MODULE)
        if self.trace is None:
            raise BridgeError(f"root module {TRACE_MODULE} is missing (not compiled in)")
        self.trace_path = self.trace.get_handle_by_name("path")
        self.trace_on = self.trace.get_handle_by_name("on")
        # Raw GPI handles (what cocotb's handle.set(Immediate(v)) writes through), for speed.
        h = lambda name: getattr(dut, name)._handle  # noqa: E731
        self.h_rst, self.h_s_valid, self.h_s_last, self.h_m_ready = h("rst"), h("s_valid"), h("s_last"), h("m_ready")
        self.h_s_data = h("s_data")
        self.h_s_ready, self.h_m_valid, self.h_m_last = h("s_ready"), h("m_valid"), h("m_last")
        self.h_m_index, self.h_m_value = h("m_index"), h("m_value")
        self.falling = FallingEdge(dut.clk)
        self.rising = RisingEdge(dut.clk)
        self.read_only = ReadOnly()
        self.hdr = bytearray(8)
        for hd in (self.h_rst, self.h_s_valid, self.h_s_last, self.h_m_ready):
            hd.set_signal_val_int(NO_DELAY, 0)
        self.h_s_data.set_signal_val_binstr(NO_DELAY, "0" * self.s_w)

    # -- socket -------------------------------------------------------------------------------
    def recv_exact(self, buf: bytearray | memoryview) -> bool:
        """Fills buf; False on EOF before the first byte."""
        view = memoryview(buf)
        got = 0
        while got < len(view):
            k = self.sock.recv_into(view[got:])
            if k == 0:
                if got == 0:
                    return False
                raise BridgeError(f"connection closed in the middle of a message ({got}/{len(view)} bytes)")
            got += k
        return True

    # -- main loop ----------------------------------------------------------------------------
    async def serve(self) -> None:
        self.sock.sendall(struct.pack("<4I", HELLO_MAGIC, self.s_w, self.idx_w, self.val_w))
        while True:
            if not self.recv_exact(self.hdr):
                log.info("headsim bridge: connection closed after %d cycles", self.cycle)
                break
            op, arg = struct.unpack("<2I", self.hdr)
            if op == OP_BATCH:
                if arg > MAX_BATCH:
                    raise BridgeError(f"BATCH of {arg} cycles exceeds {MAX_BATCH}")
                body = bytearray(pad4(arg) + 4 * arg * self.s_words)
                if arg and not self.recv_exact(body):
                    raise BridgeError("connection closed in a BATCH message")
                self.sock.sendall(await self.batch(arg, body))
            elif op == OP_TRACE_ON:
                if not 0 < arg < TRACE_PATH_BYTES:
                    raise BridgeError(f"TRACE_ON path of {arg} bytes (1..{TRACE_PATH_BYTES - 1})")
                body = bytearray(pad4(arg))
                if not self.recv_exact(body):
                    raise BridgeError("connection closed in a TRACE_ON message")
                self.pending_on = bytes(body[:arg])
                self.sock.sendall(struct.pack("<I", OP_TRACE_ON))
            elif op == OP_TRACE_OFF:
                await self.trace_off()
                self.sock.sendall(struct.pack("<I", OP_TRACE_OFF))
            elif op == OP_FINISH:
                log.info("headsim bridge: FINISH after %d cycles", self.cycle)
                break
            else:
                raise BridgeError(f"unknown opcode {op}")
        if self.tracing:
            await self.after_edge()  # the last traced cycle keeps its rising edge in the VCD

    async def batch(self, n: int, body: bytearray) -> bytes:
        flags = bytes(body[:n])
        data = memoryview(body)[pad4(n):]
        out_flags = bytearray(pad4(n))
        m_index = array("I", bytes(4 * n))
        m_value = array("I", bytes(4 * n))
        bw = 4 * self.s_words
        s_w, s_mask = self.s_w, self.s_mask
        h_rst, h_s_valid, h_s_last, h_m_ready, h_s_data = self.h_rst, self.h_s_valid, self.h_s_last, self.h_m_ready, self.h_s_data
        h_s_ready, h_m_valid, h_m_last, h_m_index, h_m_value = self.h_s_ready, self.h_m_valid, self.h_m_last, self.h_m_index, self.h_m_value
        falling, read_only = self.falling, self.read_only
        wide = s_w > 32
        last_f, last_d = self.last_flags, self.last_data
        try:
            for t in range(n):
                if self.started:
                    await falling
                else:
                    self.started = True
                if self.pending_on is not None:
                    self.apply_trace_on()
                f = flags[t]
                ch = f ^ last_f
                if ch:
                    if ch & IN_RST:
                        h_rst.set_signal_val_int(NO_DELAY, f & 1)
                    if ch & IN_S_VALID:
                        h_s_valid.set_signal_val_int(NO_DELAY, (f >> 1) & 1)
                    if ch & IN_S_LAST:
                        h_s_last.set_signal_val_int(NO_DELAY, (f >> 2) & 1)
                    if ch & IN_M_READY:
                        h_m_ready.set_signal_val_int(NO_DELAY, (f >> 3) & 1)
                    last_f = f
                d = int.from_bytes(data[t * bw : (t + 1) * bw], "little") & s_mask
                if d != last_d:
                    if wide:
                        h_s_data.set_signal_val_binstr(NO_DELAY, format(d, f"0{s_w}b"))
                    else:
                        h_s_data.set_signal_val_int(NO_DELAY, d)
                    last_d = d
                await read_only
                sr = h_s_ready.get_signal_val_binstr()
                mv = h_m_valid.get_signal_val_binstr()
                ml = h_m_last.get_signal_val_binstr()
                si = h_m_index.get_signal_val_binstr()
                sv = h_m_value.get_signal_val_binstr()
                try:
                    out_flags[t] = int(sr, 2) | (int(mv, 2) << 1) | (int(ml, 2) << 2)
                    m_index[t] = int(si, 2)
                    m_value[t] = int(sv, 2)
                except ValueError:
                    self.unknown(t, sr, mv, ml, si, sv, out_flags, m_index, m_value)
                if f & IN_RST:
                    self.reset_done = True  # from the coming edge on
                self.cycle += 1
        finally:
            self.last_flags, self.last_data = last_f, last_d
        if sys.byteorder != "little":
            m_index.byteswap()
            m_value.byteswap()
        return struct.pack("<I", n) + bytes(out_flags) + m_index.tobytes() + m_value.tobytes()

    def unknown(self, t, sr, mv, ml, si, sv, out_flags, m_index, m_value) -> None:
        """Outputs with X/Z bits: 0 before the first reset edge, an error after it."""
        if self.reset_done:
            for name, s in (("s_ready", sr), ("m_valid", mv), ("m_last", ml), ("m_index", si), ("m_value", sv)):
                if s.translate(XZ_TO_0) != s:
                    raise BridgeError(f"X/Z on output {name} = {s} in cycle {self.cycle} (after reset)")
        b = lambda s: int(s.translate(XZ_TO_0), 2)  # noqa: E731
        out_flags[t] = b(sr) | (b(mv) << 1) | (b(ml) << 2)
        m_index[t] = b(si)
        m_value[t] = b(sv)

    # -- trace --------------------------------------------------------------------------------
    def apply_trace_on(self) -> None:
        path = self.pending_on
        self.pending_on = None
        v = int.from_bytes(path, "big")
        self.trace_path.set_signal_val_binstr(NO_DELAY, format(v, f"0{8 * TRACE_PATH_BYTES}b"))
        self.trace_on.set_signal_val_int(NO_DELAY, 1)
        self.tracing = True

    async def trace_off(self) -> None:
        if self.pending_on is not None:  # started and stopped without a cycle in between
            self.pending_on = None
            return
        if not self.tracing:
            return
        await self.after_edge()
        self.trace_on.set_signal_val_int(NO_DELAY, 0)
        self.tracing = False

    async def after_edge(self) -> None:
        """From ReadOnly of 10t to 10t+6: past the rising edge of the last cycle, before the next."""
        if not self.started:
            return
        await self.rising
        await Timer(1, "ns")


def zero_x(handle) -> int:
    """Deposits 0 on every X/Z bit of the DUT's variables and nets (recursively); returns how many objects."""
    count = 0
    for child in handle:
        if isinstance(child, (HierarchyObject, HierarchyArrayObject, ArrayObject)):
            count += zero_x(child)
            continue
        raw = getattr(child, "_handle", None)
        if raw is None or raw.get_const():
            continue
        try:
            s = raw.get_signal_val_binstr()
        except Exception:  # reals, strings: no binary value
            continue
        z = s.translate(XZ_TO_0)
        if z != s and z:
            raw.set_signal_val_binstr(NO_DELAY, z)
            count += 1
    return count


@cocotb.test()
async def bridge(dut) -> None:
    path = os.environ.get("HEADSIM_SOCKET")
    if not path:
        raise BridgeError("HEADSIM_SOCKET is not set (run through harness/rtl/cocotb/launch.py)")
    await ReadWrite()  # time 0, after the initial blocks' time-0 work ($readmemh, plusargs)
    if os.environ.get("HEADSIM_X_INIT", "zero") == "zero":
        log.info("headsim bridge: X/Z zeroed in %d objects at time 0", zero_x(dut))
    Clock(dut.clk, 10, unit="ns", impl="gpi").start(start_high=False)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    server = Server(dut, sock)
    try:
        await server.serve()
    except BridgeError as e:
        log.error("headsim bridge: %s", e)
        raise
    except BaseException as e:
        ns = get_sim_time("ns")
        what = "the simulation ended (HDL $finish/$fatal?)" if isinstance(e, CancelledError) else f"{type(e).__name__}: {e}"
        log.error("headsim bridge: %s at %g ns, in cycle %d", what, ns, int(ns // 10))
        raise
    finally:
        sock.close()
