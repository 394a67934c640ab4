// exp_lut: exp(-d) from a synchronous-read ROM (exp.hex). The index is d >> EXP_SHIFT (left
// shift when negative), 0 for d <= 0, clamped to the last entry. `zero` loads 0 instead (a
// class past CLASSES); q holds when !en.
module exp_lut #(
  parameter integer D_W = 17,
  parameter integer EXP_ADDR_BITS = 12,
  parameter integer EXP_OUT_BITS = 16,
  parameter integer EXP_SHIFT = 0,
  parameter EXP_FILE = "exp.hex"
) (
  input  wire                    clk,
  input  wire                    en,
  input  wire                    zero,
  input  wire signed [D_W-1:0]   d,
  output reg  [EXP_OUT_BITS-1:0] q
);
  localparam integer LSH = (EXP_SHIFT < 0) ? -EXP_SHIFT : 0;
  localparam integer RSH = (EXP_SHIFT > 0) ? EXP_SHIFT : 0;
  // Wide enough for d << LSH and for the clamp test above the address bits.
  localparam integer M_W = ((D_W + LSH > EXP_ADDR_BITS) ? D_W + LSH : EXP_ADDR_BITS) + 1;

  /* verilator tracing_off */  // memories and their loaders are not traced (the model has none)
  reg [EXP_OUT_BITS-1:0] rom [0:(1 << EXP_ADDR_BITS)-1];
  initial begin : load
`ifndef SYNTHESIS
    reg [8*1024-1:0] path;
    if ($value$plusargs("exp=%s", path)) $readmemh(path, rom);
    else $readmemh(EXP_FILE, rom);
`else
    $readmemh(EXP_FILE, rom);
`endif
  end
  /* verilator tracing_on */

  wire [M_W-1:0] m = ({{(M_W-D_W){1'b0}}, d} << LSH) >> RSH;
  wire positive = !d[D_W-1] && (d != 0);
  wire [EXP_ADDR_BITS-1:0] addr = !positive ? {EXP_ADDR_BITS{1'b0}}
                                : (|m[M_W-1:EXP_ADDR_BITS]) ? {EXP_ADDR_BITS{1'b1}} : m[EXP_ADDR_BITS-1:0];

  always @(posedge clk)
    if (en) q <= zero ? {EXP_OUT_BITS{1'b0}} : rom[addr];
endmodule
