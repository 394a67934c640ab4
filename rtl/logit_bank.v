// logit_bank: F3 adds the aligned bias and requantizes each finished dot product (round half
// up, saturate) into z_work; a full z_work moves to z_hold, which the back end reads, as soon
// as z_hold is free. The front end stalls only when a pass ends while both banks are full.
// RD_PORT: a synchronous read port on z_hold (z_rd_en, z_rd_addr -> z_rd_data one cycle later,
// RD_LANES logits of group z_rd_addr, 0 past CLASSES), a registered mux here, a RAM read later.
module logit_bank #(
  parameter integer CLASSES = 10,
  parameter integer CPAR = 10,
  parameter integer PASSES = 1,
  parameter integer ACC_W = 41,
  parameter integer BIAS_W = 16,
  parameter integer LOGIT_W = 16,
  parameter integer BIAS_SHIFT = 12,
  parameter integer REQUANT_SHIFT = 14,
  parameter integer RD_PORT = 1,
  parameter integer RD_LANES = 1,
  parameter integer GRP_W = 4,
  parameter BIAS_FILE = "bias.hex",
  parameter integer PASS_W = (PASSES - 1 < 1) ? 1 : $clog2(PASSES)
) (
  input  wire                       clk,
  input  wire                       rst,
  input  wire                       a_valid,
  input  wire [PASS_W-1:0]          a_group,
  input  wire [CPAR*ACC_W-1:0]      acc_bus,
  input  wire                       vector_done,  // the back end has emitted z_hold
  output wire                       stall,
  output wire [CLASSES*LOGIT_W-1:0] z_hold_bus,
  output reg                        z_hold_full,
  input  wire                       z_rd_en,
  input  wire [GRP_W-1:0]           z_rd_addr,
  output wire [RD_LANES*LOGIT_W-1:0] z_rd_data_bus
);
  // v = acc + (bias << BIAS_SHIFT) needs max(ACC_W, BIAS_W+BIAS_SHIFT)+1 bits; one more for
  // the rounding, and room for a left shift when REQUANT_SHIFT < 0.
  localparam integer LSH = (REQUANT_SHIFT < 0) ? -REQUANT_SHIFT : 0;
  localparam integer RSH = (REQUANT_SHIFT > 0) ? REQUANT_SHIFT : 0;
  localparam integer BA_W = BIAS_W + BIAS_SHIFT;
  localparam integer V_W = ((ACC_W > BA_W) ? ACC_W : BA_W) + 2 + LSH;
  localparam integer IDX_W = (CLASSES < 2) ? 1 : $clog2(CLASSES);
  localparam [31:0] LAST_PASS_32 = PASSES - 1;
  localparam [PASS_W-1:0] LAST_PASS = LAST_PASS_32[PASS_W-1:0];

  /* verilator tracing_off */  // memories and their loaders are not traced (the model has none)
  reg [BIAS_W-1:0] bias [0:CLASSES-1];
  initial begin : load
`ifndef SYNTHESIS
    reg [8*1024-1:0] path;
    if ($value$plusargs("bias=%s", path)) $readmemh(path, bias);
    else $readmemh(BIAS_FILE, bias);
`else
    $readmemh(BIAS_FILE, bias);
`endif
  end
  /* verilator tracing_on */

  reg signed [LOGIT_W-1:0] z_work [0:CLASSES-1];
  reg                      z_work_full;
  reg signed [LOGIT_W-1:0] z_hold [0:CLASSES-1];

  assign stall = a_valid && z_work_full && z_hold_full;
  wire transfer = z_work_full && !z_hold_full;
  wire write = a_valid && !stall;
  wire complete = write && (a_group == LAST_PASS);

  // Requantized value of row c of the current group.
  wire signed [LOGIT_W-1:0] zq [0:CPAR-1];
  genvar c, n;
  generate
    for (c = 0; c < CPAR; c = c + 1) begin : g_row
      localparam integer GX_W = PASS_W + IDX_W + 1;
      localparam [31:0] CPAR_X_32 = CPAR;
      localparam [GX_W-1:0] CPAR_X = CPAR_X_32[GX_W-1:0];
      localparam [31:0] C_X_32 = c;
      localparam [GX_W-1:0] C_X = C_X_32[GX_W-1:0];
      localparam [31:0] LAST_N_32 = CLASSES - 1;
      localparam [GX_W-1:0] LAST_N = LAST_N_32[GX_W-1:0];
      wire [GX_W-1:0] nx = {{(GX_W-PASS_W){1'b0}}, a_group} * CPAR_X + C_X;
      // Rows past CLASSES (last group) are never written; read a valid entry for them.
      wire [IDX_W-1:0] bidx = (nx > LAST_N) ? {IDX_W{1'b0}} : nx[IDX_W-1:0];
      wire [BIAS_W-1:0] b = bias[bidx];
      wire signed [ACC_W-1:0] a = acc_bus[c*ACC_W +: ACC_W];
      wire signed [V_W-1:0] ae = {{(V_W-ACC_W){a[ACC_W-1]}}, a};
      wire signed [V_W-1:0] be = {{(V_W-BIAS_W){b[BIAS_W-1]}}, b};
      wire signed [V_W-1:0] v = ae + (be <<< BIAS_SHIFT);
      // roundShift(v, s) = ((v << 1 >>> s) + 1) >>> 1 for s >= 0; v << -s for s < 0.
      wire signed [V_W:0] y = ($signed({v, 1'b0}) <<< LSH) >>> RSH;
      wire signed [V_W:0] y1 = y + {{V_W{1'b0}}, 1'b1};
      wire signed [V_W:0] r = y1 >>> 1;
      wire fits = (r[V_W:LOGIT_W-1] == {(V_W-LOGIT_W+2){r[V_W]}});
      assign zq[c] = fits ? r[LOGIT_W-1:0]
                   : r[V_W] ? {1'b1, {(LOGIT_W-1){1'b0}}} : {1'b0, {(LOGIT_W-1){1'b1}}};
    end

    for (n = 0; n < CLASSES; n = n + 1) begin : g_class
      localparam [31:0] GROUP_32 = n / CPAR;
      localparam [PASS_W-1:0] GROUP = GROUP_32[PASS_W-1:0];
      always @(posedge clk) begin
        if (!rst && transfer) z_hold[n] <= z_work[n];
        if (!rst && write && a_group == GROUP) z_work[n] <= zq[n % CPAR];
      end
      assign z_hold_bus[n*LOGIT_W +: LOGIT_W] = z_hold[n];
    end
  endgenerate

  // Read port: lane j of group a is class a*RD_LANES + j; a constant-select mux per lane (the
  // group count is ceil(CLASSES / RD_LANES); lanes past CLASSES read 0).
  reg signed [LOGIT_W-1:0] z_rd_data [0:RD_LANES-1];
  genvar j, a;
  generate
    if (RD_PORT != 0) begin : g_rd
      localparam integer GROUPS = (CLASSES + RD_LANES - 1) / RD_LANES;
      for (j = 0; j < RD_LANES; j = j + 1) begin : g_lane
        /* verilator tracing_off */
        wire [LOGIT_W-1:0] cand [0:(1 << GRP_W)-1];
        for (a = 0; a < (1 << GRP_W); a = a + 1) begin : g_cand
          if (a < GROUPS && a * RD_LANES + j < CLASSES) begin : g_live
            assign cand[a] = z_hold_bus[(a*RD_LANES + j)*LOGIT_W +: LOGIT_W];
          end else begin : g_past
            assign cand[a] = {LOGIT_W{1'b0}};
          end
        end
        /* verilator tracing_on */
        always @(posedge clk)
          if (z_rd_en) z_rd_data[j] <= cand[z_rd_addr];
        assign z_rd_data_bus[j*LOGIT_W +: LOGIT_W] = z_rd_data[j];
      end
    end else begin : g_no_rd
      for (j = 0; j < RD_LANES; j = j + 1) begin : g_lane
        always @(posedge clk) z_rd_data[j] <= {LOGIT_W{1'b0}};
        assign z_rd_data_bus[j*LOGIT_W +: LOGIT_W] = z_rd_data[j];
      end
      wire unused_rd = &{1'b0, z_rd_en, z_rd_addr};
    end
  endgenerate

  always @(posedge clk) begin
    if (rst) begin
      z_work_full <= 1'b0;
      z_hold_full <= 1'b0;
    end else begin
      z_work_full <= complete ? 1'b1 : transfer ? 1'b0 : z_work_full;
      z_hold_full <= transfer ? 1'b1 : vector_done ? 1'b0 : z_hold_full;
    end
  end
endmodule
