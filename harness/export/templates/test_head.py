"""cocotb testbench of a headsim export: the golden vectors of golden.json (written by headsim's
bit-true reference) go in through s_axis with random pauses (cocotbext-axi AxiStreamSource), the
results come out of m_axis under random backpressure (AxiStreamSink), and every m_axis word of
every vector is compared with the golden one. A monitor checks the AXI4-Stream rules on m_axis
every cycle: TVALID low in reset, and once TVALID is high, TVALID, TDATA and TLAST hold until
TREADY.

Run from the export directory: ``make -C tb`` (Icarus Verilog; cocotb 2.x and cocotbext-axi in
the active Python: ``pip install -r tb/requirements.txt``). The pause probability is
TB_PAUSE (default 0.3); the random seed COCOTB_RANDOM_SEED (cocotb prints it).
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, FallingEdge, with_timeout
from cocotbext.axi import AxiStreamBus, AxiStreamFrame, AxiStreamSink, AxiStreamSource

GOLDEN = json.loads((Path(__file__).resolve().parent / "golden.json").read_text())
PERIOD_NS = 10


def pauses(rng: random.Random, p: float):
    """A pause generator: True (pause this cycle) with probability p."""
    while True:
        yield rng.random() < p


def sample(sig) -> int | None:
    """The signal's value as an integer, None while it holds X or Z."""
    v = sig.value
    return int(v) if v.is_resolvable else None


async def monitor(dut, errors: list[str]) -> None:
    """AXI4-Stream on m_axis, sampled mid-cycle (inputs and outputs settled before the edge)."""
    held = None  # (tdata, tlast) offered without TREADY in the previous cycle
    cycle = 0
    while True:
        await FallingEdge(dut.aclk)
        cycle += 1
        valid, ready = sample(dut.m_axis_tvalid), sample(dut.m_axis_tready)
        reset = sample(dut.aresetn) == 0
        if reset:
            if cycle > 1 and valid != 0:
                errors.append(f"cycle {cycle}: m_axis_tvalid is {valid} during reset")
            held = None
            continue
        if valid is None or ready is None:
            errors.append(f"cycle {cycle}: m_axis_tvalid/tready unknown (X)")
            continue
        word = (sample(dut.m_axis_tdata), sample(dut.m_axis_tlast))
        if held is not None and (valid != 1 or word != held):
            errors.append(f"cycle {cycle}: m_axis changed while stalled (held tdata/tlast {held}, now valid {valid}, {word})")
        if valid == 1 and None in word:
            errors.append(f"cycle {cycle}: m_axis_tdata or tlast unknown (X) while TVALID")
        held = word if valid == 1 and ready == 0 else None


@cocotb.test()
async def golden_vectors(dut) -> None:
    """Every golden vector in, every entry out and equal to the bit-true reference."""
    rng = random.Random(cocotb.RANDOM_SEED)
    p = float(os.environ.get("TB_PAUSE", "0.3"))
    Clock(dut.aclk, PERIOD_NS, unit="ns").start(start_high=False)
    dut.aresetn.value = 0
    dut.s_axis_tvalid.value = 0
    dut.m_axis_tready.value = 0
    # byte_lanes=1: one list element per beat (TDATA whole), the head's lanes packed as golden.json has them.
    source = AxiStreamSource(AxiStreamBus.from_prefix(dut, "s_axis"), dut.aclk, dut.aresetn, reset_active_level=False, byte_lanes=1)
    sink = AxiStreamSink(AxiStreamBus.from_prefix(dut, "m_axis"), dut.aclk, dut.aresetn, reset_active_level=False, byte_lanes=1)
    source.set_pause_generator(pauses(rng, p))
    sink.set_pause_generator(pauses(rng, p))
    errors: list[str] = []
    cocotb.start_soon(monitor(dut, errors))
    await ClockCycles(dut.aclk, 4)
    dut.aresetn.value = 1
    await ClockCycles(dut.aclk, 2)

    vectors = GOLDEN["vectors"]
    for v in vectors:
        await source.send(AxiStreamFrame([int(b, 16) for b in v["beats"]]))
    # Generous: every vector at the head's pace, slowed by the pauses on both sides.
    budget = int(10 * (GOLDEN["latency"] + GOLDEN["ii"] * len(vectors)) / max(1e-3, (1 - p) ** 2))
    entries = received = 0
    for i, v in enumerate(vectors):
        frame = await with_timeout(sink.recv(), budget * PERIOD_NS, "ns")
        received += 1
        got = [int(w) for w in frame.tdata]
        want = [int(e["tdata"], 16) for e in v["entries"]]
        if len(got) != len(want):
            errors.append(f"vector {i}: {len(got)} entries up to TLAST, expected {len(want)}")
        for j, (g, e) in enumerate(zip(got, v["entries"])):
            entries += 1
            if g != int(e["tdata"], 16):
                errors.append(
                    f"vector {i} entry {j}: m_axis_tdata 0x{g:x}, expected 0x{e['tdata']} (class {e['index']}, value {e['value']})"
                )
    await ClockCycles(dut.aclk, 4)
    dut._log.info("headsim tb: %d/%d vectors, %d entries, %d errors", received, len(vectors), entries, len(errors))
    for e in errors[:20]:
        dut._log.error(e)
    assert not errors, f"{len(errors)} errors, first: {errors[0]}"
