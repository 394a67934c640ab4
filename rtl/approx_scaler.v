// approx_scaler (approx mode): score = e * scale >> (EXP_OUT_BITS + SCALE_FRAC - PROB_FRAC),
// round half up (a left shift when that is negative), saturated to PROB_W. Combinational; the
// constant scale comes from scale.hex.
module approx_scaler #(
  parameter integer EXP_OUT_BITS = 16,
  parameter integer PROB_W = 16,
  parameter integer PROB_FRAC = 15,
  parameter integer SCALE_W = 16,
  parameter integer SCALE_FRAC = 16,
  parameter SCALE_FILE = "scale.hex"
) (
  input  wire [EXP_OUT_BITS-1:0] e,
  output wire [PROB_W-1:0]       score
);
  localparam integer SHIFT = EXP_OUT_BITS + SCALE_FRAC - PROB_FRAC;
  localparam integer LSH = (SHIFT < 0) ? -SHIFT : 0;
  localparam integer RSH = (SHIFT > 0) ? SHIFT : 0;
  localparam integer X_W = EXP_OUT_BITS + SCALE_W + LSH;

  /* verilator tracing_off */  // memories and their loaders are not traced (the model has none)
  reg [SCALE_W-1:0] scale [0:0];
  initial begin : load
`ifndef SYNTHESIS
    reg [8*1024-1:0] path;
    if ($value$plusargs("scale=%s", path)) $readmemh(path, scale);
    else $readmemh(SCALE_FILE, scale);
`else
    $readmemh(SCALE_FILE, scale);
`endif
  end
  /* verilator tracing_on */

  wire [X_W-1:0] ex = {{(X_W-EXP_OUT_BITS){1'b0}}, e};
  wire [X_W-1:0] sx = {{(X_W-SCALE_W){1'b0}}, scale[0]};
  wire [X_W-1:0] x = (ex * sx) << LSH;
  // roundShift(x, RSH) = ((x << 1 >> RSH) + 1) >> 1.
  wire [X_W:0] y = {x, 1'b0} >> RSH;
  wire [X_W:0] y1 = y + {{X_W{1'b0}}, 1'b1};
  wire [X_W-1:0] r = y1[X_W:1];
  wire unused_y1 = y1[0];
  generate
    if (X_W > PROB_W) begin : g_sat
      assign score = (|r[X_W-1:PROB_W]) ? {PROB_W{1'b1}} : r[PROB_W-1:0];
    end else begin : g_fit
      assign score = {{(PROB_W-X_W){1'b0}}, r};
    end
  endgenerate
endmodule
