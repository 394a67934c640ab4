// headsim: the trace file class of a verilated build and its run-time scope, shared by
// driver.cpp and bench/verilator_alone.cpp. A build has one format (Verilator generates trace
// code for --trace or --trace-fst, not both): VM_TRACE_FST selects VerilatedFstC.
//
// Scope: Verilator 5 filters declarations at open() through dumpvars(level, hier), with
// $dumpvars semantics on `TOP.head.module` prefixes; an array is one entry (its elements are
// named after the check). A dumpvars file lists one `level hier` per line; none: everything.
#pragma once

#if VM_TRACE_FST
#include <verilated_fst_c.h>
using TraceFile = VerilatedFstC;
#elif VM_TRACE
#include <verilated_vcd_c.h>
using TraceFile = VerilatedVcdC;
#endif

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#if VM_TRACE
// Applies a dumpvars file (see above) before the trace is opened; returns the entries read, or
// -1 when the file cannot be read.
static inline int applyDumpvars(TraceFile* tfp, const char* path) {
    FILE* f = std::fopen(path, "r");
    if (!f) return -1;
    char line[4096];
    int n = 0;
    while (std::fgets(line, sizeof line, f)) {
        char* end = nullptr;
        const long level = std::strtol(line, &end, 10);
        if (end == line || level < 1) continue;
        while (*end == ' ') ++end;
        std::string hier{end};
        while (!hier.empty() && (hier.back() == '\n' || hier.back() == '\r')) hier.pop_back();
        if (hier.empty()) continue;
        tfp->dumpvars(static_cast<int>(level), hier);
        ++n;
    }
    std::fclose(f);
    return n;
}
#endif
