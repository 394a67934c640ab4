"""Generated from harness/rtl/protocol.ts and harness/rtl/ports.ts by harness/rtl/protocol-constants.ts: do not edit.

The batch protocol's numbers, for headsim_bridge.py.
"""

HELLO_MAGIC = 0x31565348  # "HSV1": first word of the server's hello (then S_W, IDX_W, VAL_W)
OP_BATCH = 1  # arg n; payload flags[n] u8 (padded to 4), s_data[n*SW32]
OP_TRACE_ON = 2  # arg path length; payload path bytes (padded to 4)
OP_TRACE_OFF = 3  # arg 0
OP_FINISH = 4  # arg 0; no reply
MAX_BATCH = 1 << 22  # largest n of one BATCH
IN_RST = 1  # input flag bits of a cycle (PortBatch.flags)
IN_S_VALID = 2
IN_S_LAST = 4
IN_M_READY = 8
OUT_S_READY = 1  # output flag bits of a cycle (PortBatch.outFlags)
OUT_M_VALID = 2
OUT_M_LAST = 4
