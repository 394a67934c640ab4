// headsim bench: the verilated `head` (class Vdut) alone, no TypeScript in the loop. The
// stimulus (every cycle's inputs, recorded from the model's testbench) and the expected
// outputs are read from a file into memory once; then the loop applies, evaluates and samples
// cycle by cycle under the harness's cycle convention (harness/rtl/verilator/README.md) and checks
// every output port against the expectation. This is the practical upper bound for lockstep.
//
//   verilator_alone STIMULUS [--repeat R] [--cycles N] [--trace FILE.vcd|.fst] [--dumpvars FILE]
//                   [+weights=.. +bias=.. ...]
//
// Each repeat builds a fresh model ($readmemh etc. not timed), runs every cycle of the stimulus
// (or the first N) and prints one JSON line: {"cycles":n,"wall":s,"cpu":s,"mismatches":m,"firstMismatch":c}.
// Stimulus file (little-endian u32): "HSB1", S_W, IDX_W, VAL_W, n; flags[n] u8 padded to 4;
// s_data[n*ceil(S_W/32)]; outFlags[n] u8 padded to 4; mIndex[n]; mValue[n].
//
// Built by bench/verilator-alone.ts with -DS_W=.. -DIDX_W=.. -DVAL_W=.. (port widths in bits).

#include <verilated.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "Vdut.h"
#include "../harness/rtl/verilator/ports.h"
#include "../harness/rtl/verilator/trace.h"

static constexpr uint32_t MAGIC = 0x31425348;  // "HSB1"

double sc_time_stamp() { return 0; }

[[noreturn]] static void die(const char* msg, const char* arg = "") {
    std::fprintf(stderr, "verilator_alone: %s%s\n", msg, arg);
    std::exit(2);
}

static double cpuSeconds() {
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void readAll(FILE* f, void* dst, size_t len) {
    if (len && std::fread(dst, 1, len, f) != len) die("truncated stimulus file");
}

int main(int argc, char** argv) {
    if (argc < 2) die("usage: verilator_alone STIMULUS [--repeat R] [--trace FILE] [+plusargs]");
    int repeat = 1;
    long long limit = -1;
    std::string tracePath, dumpvarsPath;
    std::vector<char*> plus{argv[0]};
    for (int i = 2; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc) repeat = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--trace") && i + 1 < argc) tracePath = argv[++i];
        else if (!std::strcmp(argv[i], "--cycles") && i + 1 < argc) limit = std::atoll(argv[++i]);
        else if (!std::strcmp(argv[i], "--dumpvars") && i + 1 < argc) dumpvarsPath = argv[++i];
        else plus.push_back(argv[i]);
    }
#if !VM_TRACE
    if (!tracePath.empty()) die("--trace needs a build with --trace");
#endif

    FILE* f = std::fopen(argv[1], "rb");
    if (!f) die("cannot open ", argv[1]);
    uint32_t hdr[5];
    readAll(f, hdr, sizeof hdr);
    if (hdr[0] != MAGIC) die("not a stimulus file: ", argv[1]);
    if (hdr[1] != S_W || hdr[2] != IDX_W || hdr[3] != VAL_W) die("stimulus widths differ from the build");
    const uint32_t stored = hdr[4];
    std::vector<uint8_t> inFlags(pad4(stored)), expFlags(pad4(stored));
    std::vector<uint32_t> sData(static_cast<size_t>(stored) * SW32), expIndex(stored), expValue(stored);
    readAll(f, inFlags.data(), inFlags.size());
    readAll(f, sData.data(), sData.size() * 4);
    readAll(f, expFlags.data(), expFlags.size());
    readAll(f, expIndex.data(), expIndex.size() * 4);
    readAll(f, expValue.data(), expValue.size() * 4);
    std::fclose(f);
    if (limit > static_cast<long long>(stored)) die("--cycles exceeds the stimulus");
    const uint32_t n = limit >= 0 ? static_cast<uint32_t>(limit) : stored;

    for (int r = 0; r < repeat; ++r) {
        const std::unique_ptr<VerilatedContext> contextp{new VerilatedContext};
        contextp->commandArgs(static_cast<int>(plus.size()), plus.data());
#if VM_TRACE
        if (!tracePath.empty()) contextp->traceEverOn(true);
#endif
        const std::unique_ptr<Vdut> top{new Vdut{contextp.get(), "TOP"}};
        const int precision = contextp->timeprecision();
        uint64_t half = 5;
        for (int p = precision; p < -9; ++p) half *= 10;
#if VM_TRACE
        std::unique_ptr<TraceFile> tfp;
        if (!tracePath.empty()) {
            tfp.reset(new TraceFile);
            if (!dumpvarsPath.empty() && applyDumpvars(tfp.get(), dumpvarsPath.c_str()) < 0) die("cannot read ", dumpvarsPath.c_str());
            top->trace(tfp.get(), 99);
            tfp->open(tracePath.c_str());
            if (!tfp->isOpen()) die("cannot open trace file ", tracePath.c_str());
        }
        TraceFile* const tr = tfp.get();
#endif
        uint64_t mismatches = 0;
        int64_t first = -1;
        const auto w0 = std::chrono::steady_clock::now();
        const double c0 = cpuSeconds();
        for (uint32_t t = 0; t < n; ++t) {
            top->clk = 0;
            setInputs(top.get(), inFlags[t], &sData[static_cast<size_t>(t) * SW32]);
            top->eval();
#if VM_TRACE
            if (tr) tr->dump(contextp->time());
#endif
            if (sampleOutFlags(top.get()) != expFlags[t] || static_cast<uint32_t>(top->m_index) != expIndex[t] || static_cast<uint32_t>(top->m_value) != expValue[t]) {
                if (first < 0) first = t;
                ++mismatches;
            }
            contextp->timeInc(half);
            top->clk = 1;
            top->eval();
#if VM_TRACE
            if (tr) tr->dump(contextp->time());
#endif
            contextp->timeInc(half);
        }
#if VM_TRACE
        if (tr) tr->close();  // the last buffered VCD text is part of the cost
#endif
        const double cpu = cpuSeconds() - c0;
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
        top->final();
        std::printf("{\"cycles\":%u,\"wall\":%.6f,\"cpu\":%.6f,\"mismatches\":%llu,\"firstMismatch\":%lld}\n", n, wall, cpu,
                    static_cast<unsigned long long>(mismatches), static_cast<long long>(first));
        std::fflush(stdout);
    }
    return 0;
}
