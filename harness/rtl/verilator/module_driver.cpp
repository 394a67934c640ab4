// headsim module driver: runs one verilated module of rtl/ (class Vdut, any module as the top)
// cycle by cycle on request from TypeScript, over the same stdin/stdout framing as driver.cpp
// (hello, BATCH, TRACE_ON, TRACE_OFF, FINISH; harness/rtl/module/client.ts is the other side).
// Its port list comes from module_ports.h, generated per module by harness/rtl/module/header.ts:
// every input port but clk packed into IN_WORDS u32 words per cycle, every output port into
// OUT_WORDS, each port on whole words, bus entry i at bits [i*w +: w] as in the RTL.
//
//   hello:          MAGIC "HSM1", IN_WORDS, OUT_WORDS, SIGNATURE (a hash of the port list)
//   BATCH (arg n):  in[n × IN_WORDS] → reply n, out[n × OUT_WORDS]
//
// The cycle convention is the head's (README.md): cycle t applies its inputs with clk low,
// evaluates, samples the outputs (the values the rising edge will see), then raises clk. A
// module without a clock (approx_scaler) is evaluated once per cycle.

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
#include "module_ports.h"
#include "trace.h"

static constexpr uint32_t HELLO_MAGIC = 0x314d5348;  // "HSM1"
static constexpr uint32_t OP_BATCH = 1;
static constexpr uint32_t OP_TRACE_ON = 2;
static constexpr uint32_t OP_TRACE_OFF = 3;
static constexpr uint32_t OP_FINISH = 4;
static constexpr uint32_t MAX_BATCH = 1u << 22;

static FILE* g_proto_out = nullptr;  // the original stdout; fd 1 is pointed at stderr

double sc_time_stamp() { return 0; }

[[noreturn]] static void die(const char* fmt, ...) {
    std::fprintf(stderr, "headsim module driver: ");
    va_list ap;
    va_start(ap, fmt);
    std::vfprintf(stderr, fmt, ap);
    va_end(ap);
    std::fprintf(stderr, "\n");
    std::fflush(stderr);
    std::exit(2);
}

static bool readExact(void* dst, size_t len, bool eofOk) {
    const size_t got = std::fread(dst, 1, len, stdin);
    if (got == len) return true;
    if (got == 0 && eofOk && std::feof(stdin)) return false;
    die("truncated request on stdin (%s)", std::ferror(stdin) ? "read error" : "EOF");
}

static void writeExact(const void* src, size_t len) {
    if (std::fwrite(src, 1, len, g_proto_out) != len) die("cannot write reply to stdout");
}

static size_t pad4(size_t n) { return (n + 3) & ~static_cast<size_t>(3); }

int main(int argc, char** argv) {
    const int protoFd = dup(STDOUT_FILENO);
    if (protoFd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) die("cannot redirect stdout");
    g_proto_out = fdopen(protoFd, "wb");
    if (!g_proto_out) die("cannot open protocol stream");
    std::setvbuf(stdout, nullptr, _IOLBF, 0);

    const std::unique_ptr<VerilatedContext> contextp{new VerilatedContext};
    contextp->traceEverOn(true);
    contextp->commandArgs(argc, argv);
    const std::unique_ptr<Vdut> top{new Vdut{contextp.get(), "TOP"}};

    const int precision = contextp->timeprecision();
    if (precision > -9) die("time precision coarser than 1 ns");
    uint64_t half = 5;
    for (int p = precision; p < -9; ++p) half *= 10;

#if VM_TRACE
    const std::unique_ptr<TraceFile> tfp{new TraceFile};
    top->trace(tfp.get(), 99);
#endif
    bool tracing = false;  // a build without --trace answers TRACE_ON with an error
#if VM_TRACE
    const auto dump = [&](bool on) { if (on) tfp->dump(contextp->time()); };
    const auto closeTrace = [&](bool on) { if (on) tfp->close(); };
#else
    const auto dump = [](bool) {};
    const auto closeTrace = [](bool) {};
#endif

    std::vector<uint32_t> in, out;
    uint64_t cycle = 0;
    const uint32_t hello[4] = {HELLO_MAGIC, IN_WORDS, OUT_WORDS, SIGNATURE};
    writeExact(hello, sizeof hello);
    std::fflush(g_proto_out);

    for (;;) {
        uint32_t hdr[2];
        if (!readExact(hdr, sizeof hdr, true)) break;
        const uint32_t op = hdr[0], arg = hdr[1];
        if (op == OP_BATCH) {
            const uint32_t n = arg;
            if (n > MAX_BATCH) die("batch too large");
            in.resize(static_cast<size_t>(n) * IN_WORDS + 1);
            out.assign(static_cast<size_t>(n) * OUT_WORDS + 1, 0);
            readExact(in.data(), static_cast<size_t>(n) * IN_WORDS * 4, false);
            for (uint32_t t = 0; t < n; ++t, ++cycle) {
#if HAS_CLK
                top->clk = 0;
#endif
                setInputs(top.get(), &in[static_cast<size_t>(t) * IN_WORDS]);
                top->eval();
                dump(tracing);
                getOutputs(top.get(), &out[static_cast<size_t>(t) * OUT_WORDS]);
                contextp->timeInc(half);
#if HAS_CLK
                top->clk = 1;
                top->eval();
                dump(tracing);
#endif
                contextp->timeInc(half);
                if (contextp->gotFinish()) {
                    std::fprintf(stderr, "headsim module driver: RTL called $finish in cycle %" PRIu64 "\n", cycle);
                    top->final();
                    closeTrace(tracing);
                    return 3;
                }
            }
            writeExact(&n, 4);
            writeExact(out.data(), static_cast<size_t>(n) * OUT_WORDS * 4);
        } else if (op == OP_TRACE_ON) {
            std::string path(pad4(arg), '\0');
            readExact(&path[0], path.size(), false);
            path.resize(arg);
#if VM_TRACE
            if (tracing) tfp->close();
            tfp->open(path.c_str());
            if (!tfp->isOpen()) die("cannot open trace file %s", path.c_str());
            tracing = true;
#else
            die("built without --trace: cannot trace to %s", path.c_str());
#endif
            writeExact(&op, 4);
        } else if (op == OP_TRACE_OFF) {
            closeTrace(tracing);
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
    closeTrace(tracing);
    std::fflush(g_proto_out);
    return 0;
}
