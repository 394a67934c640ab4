// Generated from harness/rtl/protocol.ts and harness/rtl/ports.ts by harness/rtl/protocol-constants.ts: do not edit.
// The batch protocol's numbers (README.md next to this file); included by ports.h.
#pragma once

#include <cstdint>

static constexpr uint32_t HELLO_MAGIC = 0x31565348u;  // "HSV1": first word of the server's hello (then S_W, IDX_W, VAL_W)
static constexpr uint32_t OP_BATCH = 1u;  // arg n; payload flags[n] u8 (padded to 4), s_data[n*SW32]
static constexpr uint32_t OP_TRACE_ON = 2u;  // arg path length; payload path bytes (padded to 4)
static constexpr uint32_t OP_TRACE_OFF = 3u;  // arg 0
static constexpr uint32_t OP_FINISH = 4u;  // arg 0; no reply
static constexpr uint32_t MAX_BATCH = 1u << 22;  // largest n of one BATCH
static constexpr uint8_t IN_RST = 1;  // input flag bits of a cycle (PortBatch.flags)
static constexpr uint8_t IN_S_VALID = 2;
static constexpr uint8_t IN_S_LAST = 4;
static constexpr uint8_t IN_M_READY = 8;
static constexpr uint8_t OUT_S_READY = 1;  // output flag bits of a cycle (PortBatch.outFlags)
static constexpr uint8_t OUT_M_VALID = 2;
static constexpr uint8_t OUT_M_LAST = 4;
