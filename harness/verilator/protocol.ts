/**
 * Wire format between bridge.ts and driver.cpp (keep the two in sync). Little-endian u32 words.
 *
 *   driver → hello:    MAGIC, S_W, IDX_W, VAL_W
 *   request header:    op, arg
 *   BATCH (arg n):     flags[n] u8 padded to 4 bytes, s_data[n × SW32] u32
 *     reply:           n, outFlags[n] u8 padded to 4 bytes, m_index[n] u32, m_value[n] u32
 *   TRACE_ON (arg len): path bytes (UTF-8) padded to 4;  reply: op
 *   TRACE_OFF:         reply: op
 *   FINISH:            no reply; the driver runs final blocks, closes the trace and exits 0.
 * Batches are struct-of-arrays, the layout of PortBatch, so both sides copy whole blocks.
 */
export const HELLO_MAGIC = 0x31565348; // "HSV1"
export const OP_BATCH = 1;
export const OP_TRACE_ON = 2;
export const OP_TRACE_OFF = 3;
export const OP_FINISH = 4;
/** Largest n the driver accepts in one BATCH message. */
export const MAX_BATCH = 1 << 22;

export function pad4(n: number): number {
  return (n + 3) & ~3;
}

export function batchRequestBytes(n: number, sWords: number): number {
  return 8 + pad4(n) + 4 * n * sWords;
}

export function batchReplyBytes(n: number): number {
  return 4 + pad4(n) + 8 * n;
}
