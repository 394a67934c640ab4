// headsim Verilator driver: runs the verilated `head` (class Vdut) cycle by cycle on request
// from TypeScript over a binary stdin/stdout protocol. Modelled on Verilator's
// examples/make_tracing_c/sim_main.cpp. Protocol and cycle convention: README.md next to this
// file; harness/rtl/protocol.ts is the TypeScript side and must match.
//
// Built by build.ts with -DS_W=.. -DIDX_W=.. -DVAL_W=.. (port widths in bits), with --trace (VCD)
// or --trace-fst (FST): trace.h. `+headsim_dumpvars=FILE` limits what the trace declares.

#include <verilated.h>

#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "Vdut.h"
#include "ports.h"
#include "trace.h"

// The protocol's numbers (HELLO_MAGIC, OP_*, MAX_BATCH) come from protocol.h, generated from
// protocol.ts (through ports.h); all fields are little-endian u32 unless noted.

static FILE* g_proto_out = nullptr;  // the original stdout; fd 1 is pointed at stderr

double sc_time_stamp() { return 0; }  // legacy hook, unused with timeInc()

[[noreturn]] static void die(const char* fmt, ...) {
    std::fprintf(stderr, "headsim driver: ");
    va_list ap;
    va_start(ap, fmt);
    std::vfprintf(stderr, fmt, ap);
    va_end(ap);
    std::fprintf(stderr, "\n");
    std::fflush(stderr);
    std::exit(2);
}

// Reads exactly len bytes; returns false on a clean EOF before the first byte.
static bool readExact(void* dst, size_t len, bool eofOk) {
    const size_t got = std::fread(dst, 1, len, stdin);
    if (got == len) return true;
    if (got == 0 && eofOk && std::feof(stdin)) return false;
    die("truncated request on stdin (%s)", std::ferror(stdin) ? "read error" : "EOF");
}

// With --coverage, the line/toggle counts go to +coverage=FILE when the simulation ends.
static void writeCoverage(VerilatedContext* contextp) {
#if VM_COVERAGE
    const char* arg = contextp->commandArgsPlusMatch("coverage=");
    if (arg && *arg) contextp->coveragep()->write(arg + std::strlen("+coverage="));
#else
    (void)contextp;
#endif
}

static void writeExact(const void* src, size_t len) {
    if (std::fwrite(src, 1, len, g_proto_out) != len) die("cannot write reply to stdout");
}

int main(int argc, char** argv) {
    // RTL $display goes to fd 1; keep the protocol on a private copy of stdout and send
    // everything else printed to fd 1 to stderr, where the bridge collects it.
    const int protoFd = dup(STDOUT_FILENO);
    if (protoFd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) die("cannot redirect stdout");
    g_proto_out = fdopen(protoFd, "wb");
    if (!g_proto_out) die("cannot open protocol stream");
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // $display lines reach stderr even if we abort
    // Pipes of 1 MiB (the unprivileged maximum by default) instead of 64 KiB: a whole batch
    // request fits, so the bridge's write completes at once and this simulation runs the batch
    // while the model computes the next one, rather than stalling on a half-written request.
    (void)fcntl(STDIN_FILENO, F_SETPIPE_SZ, 1 << 20);
    (void)fcntl(protoFd, F_SETPIPE_SZ, 1 << 20);
    static char inBuf[1 << 16], outBuf[1 << 16];
    std::setvbuf(stdin, inBuf, _IOFBF, sizeof inBuf);
    std::setvbuf(g_proto_out, outBuf, _IOFBF, sizeof outBuf);

    const std::unique_ptr<VerilatedContext> contextp{new VerilatedContext};
    contextp->traceEverOn(true);
    contextp->commandArgs(argc, argv);  // before the model: $value$plusargs reads these
    const std::unique_ptr<Vdut> top{new Vdut{contextp.get(), "TOP"}};

    // Half a 10 ns period in units of the design's time precision.
    const int precision = contextp->timeprecision();  // e.g. -9 for ns, -12 for ps
    if (precision > -9) die("time precision coarser than 1 ns");
    uint64_t half = 5;
    for (int p = precision; p < -9; ++p) half *= 10;

    // Registered once before the first eval; opened/closed on request. Reopening re-emits
    // the header and starts with a full dump. The scope (dumpvars) is fixed for the process.
    const std::unique_ptr<TraceFile> tfp{new TraceFile};
    if (const char* dv = contextp->commandArgsPlusMatch("headsim_dumpvars="); dv && *dv) {
        const char* path = std::strchr(dv, '=');
        if (!path || applyDumpvars(tfp.get(), path + 1) < 0) die("cannot read the dumpvars file of %s", dv);
    }
    top->trace(tfp.get(), 99);
    bool tracing = false;

    std::vector<uint8_t> inFlags, outFlags;
    std::vector<uint32_t> sData, mIndex, mValue;
    uint64_t cycle = 0;

    const uint32_t hello[4] = {HELLO_MAGIC, S_W, IDX_W, VAL_W};
    writeExact(hello, sizeof hello);
    std::fflush(g_proto_out);

    for (;;) {
        uint32_t hdr[2];
        if (!readExact(hdr, sizeof hdr, true)) break;  // EOF: the bridge is gone, finish cleanly
        const uint32_t op = hdr[0], arg = hdr[1];

        if (op == OP_BATCH) {
            const uint32_t n = arg;
            if (n > MAX_BATCH) die("batch too large");
            inFlags.resize(pad4(n));
            outFlags.assign(pad4(n), 0);
            sData.resize(static_cast<size_t>(n) * SW32);
            mIndex.resize(n);
            mValue.resize(n);
            readExact(inFlags.data(), pad4(n), false);
            readExact(sData.data(), sData.size() * 4, false);

            for (uint32_t t = 0; t < n; ++t, ++cycle) {
                // Low phase: apply inputs, settle, sample what the coming edge will see.
                top->clk = 0;
                setInputs(top.get(), inFlags[t], &sData[static_cast<size_t>(t) * SW32]);
                top->eval();
                if (tracing) tfp->dump(contextp->time());
                outFlags[t] = sampleOutFlags(top.get());
                mIndex[t] = top->m_index;
                mValue[t] = top->m_value;
                contextp->timeInc(half);
                // High phase: the rising edge.
                top->clk = 1;
                top->eval();
                if (tracing) tfp->dump(contextp->time());
                contextp->timeInc(half);
                if (contextp->gotFinish()) {
                    std::fprintf(stderr, "headsim driver: RTL called $finish in cycle %" PRIu64 "\n", cycle);
                    top->final();
                    writeCoverage(contextp.get());
                    if (tracing) tfp->close();
                    return 3;
                }
            }
            writeExact(&n, 4);
            writeExact(outFlags.data(), pad4(n));
            writeExact(mIndex.data(), static_cast<size_t>(n) * 4);
            writeExact(mValue.data(), static_cast<size_t>(n) * 4);
        } else if (op == OP_TRACE_ON) {
            std::string path(pad4(arg), '\0');
            readExact(&path[0], path.size(), false);
            path.resize(arg);
            if (tracing) tfp->close();
            tfp->open(path.c_str());
            if (!tfp->isOpen()) die("cannot open trace file %s", path.c_str());
            tracing = true;
            writeExact(&op, 4);
        } else if (op == OP_TRACE_OFF) {
            if (tracing) tfp->close();
            tracing = false;
            writeExact(&op, 4);
        } else if (op == OP_FINISH) {
            break;
        } else {
            die("unknown opcode (protocol out of sync)");
        }
        std::fflush(g_proto_out);
    }

    top->final();
    writeCoverage(contextp.get());
    if (tracing) tfp->close();
    std::fflush(g_proto_out);
    return 0;
}
