// Trace control for the cocotb backend: a second root module compiled next to the DUT
// (iverilog -s <top> -s headsim_cocotb_trace). The bridge (headsim_bridge.py) writes the VCD
// path into `path` (a string: the last character in the low byte) and toggles `on`:
//   first 0→1: $dumpfile(path); $dumpvars(0, <top>)   later 0→1: $dumpon   1→0: $dumpoff
// Icarus opens one dump file per simulation, so every traceStart must name the same path.
`timescale 1ns/1ns
`ifndef HEADSIM_TOP
`define HEADSIM_TOP head
`endif
module headsim_cocotb_trace;
  reg [8*1024-1:0] path = 0;
  reg on = 1'b0;
  reg started = 1'b0;
  always @(on) begin
    if (on) begin
      if (!started) begin
        $dumpfile(path);
        $dumpvars(0, `HEADSIM_TOP);
        started = 1'b1;
      end else begin
        $dumpon;
      end
    end else if (started) begin
      $dumpoff;
    end
  end
endmodule
