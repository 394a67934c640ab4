// headsim: the port conventions every C++ loop around the verilated `head` (class Vdut) shares:
// harness/rtl/verilator/driver.cpp (lockstep) and bench/verilator_alone.cpp (the bench's bound).
// Include after "Vdut.h", compiled with -DS_W=.. -DIDX_W=.. -DVAL_W=.. (port widths in bits).
#pragma once

#include <cstddef>
#include <cstdint>

#include "protocol.h"  // flag bits IN_* and OUT_*, generated from harness/rtl/ports.ts

#if !defined(S_W) || !defined(IDX_W) || !defined(VAL_W)
#error "compile with -DS_W=<bits> -DIDX_W=<bits> -DVAL_W=<bits>"
#endif
#if IDX_W > 32 || VAL_W > 32
#error "IDX_W and VAL_W must be at most 32"
#endif

static constexpr uint32_t SW32 = (S_W + 31) / 32;  // 32-bit words of s_data per cycle
static constexpr uint32_t TOP_BITS = S_W - 32 * (SW32 - 1);
static constexpr uint32_t TOP_MASK = TOP_BITS == 32 ? 0xffffffffu : ((1u << TOP_BITS) - 1u);

// Catch a build whose width macros disagree with the RTL: Verilator stores a port of width w in
// 1/2/4/8 bytes up to 64 bits, else in ceil(w/32) words.
static constexpr size_t storageBytes(unsigned w) {
    return w <= 8 ? 1 : w <= 16 ? 2 : w <= 32 ? 4 : w <= 64 ? 8 : 4 * ((w + 31) / 32);
}
static_assert(sizeof(Vdut::s_data) == storageBytes(S_W), "S_W does not match the RTL's s_data");
static_assert(sizeof(Vdut::m_index) == storageBytes(IDX_W), "IDX_W does not match the RTL's m_index");
static_assert(sizeof(Vdut::m_value) == storageBytes(VAL_W), "VAL_W does not match the RTL's m_value");

static inline size_t pad4(size_t n) { return (n + 3) & ~static_cast<size_t>(3); }

// The low phase's inputs: flags and the s_data words (d[SW32]) of one cycle.
static inline void setInputs(Vdut* top, uint8_t flags, const uint32_t* d) {
    top->rst = (flags & IN_RST) != 0;
    top->s_valid = (flags & IN_S_VALID) != 0;
    top->s_last = (flags & IN_S_LAST) != 0;
    top->m_ready = (flags & IN_M_READY) != 0;
#if S_W <= 32
    top->s_data = d[0] & TOP_MASK;
#elif S_W <= 64
    top->s_data = (static_cast<uint64_t>(d[1] & TOP_MASK) << 32) | d[0];
#else
    for (uint32_t w = 0; w < SW32; ++w) top->s_data[w] = d[w];
    top->s_data[SW32 - 1] &= TOP_MASK;
#endif
}

// The output flags sampled after the low phase settles.
static inline uint8_t sampleOutFlags(const Vdut* top) {
    return (top->s_ready ? OUT_S_READY : 0) | (top->m_valid ? OUT_M_VALID : 0) | (top->m_last ? OUT_M_LAST : 0);
}
