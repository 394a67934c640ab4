// normalizer (softmax only): EXP feeds CPAR classes per cycle through CPAR exp_lut ports
// (d = max - z, max = the first round's winner) and accumulates the sum of the exps; NORM
// finds the leading one of the sum and reads the reciprocal table (msb_q, recip_q).
// In argmax/approx mode nothing is built; the registers hold the model's constant zero.
module normalizer #(
  parameter integer CLASSES = 10,
  parameter integer CPAR = 10,
  parameter integer PASSES = 1,
  parameter integer MODE = 1,
  parameter integer LOGIT_W = 16,
  parameter integer EXP_ADDR_BITS = 12,
  parameter integer EXP_OUT_BITS = 16,
  parameter integer EXP_SHIFT = 0,
  parameter integer SUM_W = 20,
  parameter integer RECIP_BITS = 10,
  parameter integer RECIP_FRAC = 17,
  parameter EXP_FILE = "exp.hex",
  parameter RECIP_FILE = "recip.hex",
  parameter integer MSB_W = $clog2(SUM_W + 1)
) (
  input  wire                       clk,
  input  wire                       rst,
  input  wire [2:0]                 state,
  input  wire [CLASSES*LOGIT_W-1:0] z_hold_bus,
  input  wire signed [LOGIT_W-1:0]  max,
  output wire                       exp_done,  // the last group's exps are added at this edge
  output reg  [SUM_W-1:0]           sum,
  output reg  [MSB_W-1:0]           msb_q,
  output reg  [RECIP_FRAC:0]        recip_q
);
  localparam [2:0] S_SELECT = 3'd1, S_EXP = 3'd2, S_NORM = 3'd3;
  localparam integer GRP_W = $clog2(PASSES + 1);
  localparam [31:0] N_GROUPS_32 = PASSES;
  localparam [GRP_W-1:0] N_GROUPS = N_GROUPS_32[GRP_W-1:0];
  localparam [31:0] LAST_GROUP_32 = PASSES - 1;
  localparam [GRP_W-1:0] LAST_GROUP = LAST_GROUP_32[GRP_W-1:0];

  reg [GRP_W-1:0]        exp_group;
  reg                    e_valid;
  reg                    e_last;
  wire [EXP_OUT_BITS-1:0] e_data [0:CPAR-1];

  generate
    if (MODE == 1) begin : g_softmax
      wire issue = exp_group < N_GROUPS;
      assign exp_done = (state == S_EXP) && e_valid && e_last;

      genvar c, gi;
      for (c = 0; c < CPAR; c = c + 1) begin : g_lane
        // Lane c sees classes c, CPAR + c, 2·CPAR + c, …: a PASSES:1 mux on exp_group with
        // constant part-selects (a variable part-select of the whole bus is an N·LOGIT_W-bit
        // barrel shifter per lane, which synthesis cannot afford at N = 1000). Zero past CLASSES.
        localparam integer LAST_G = (CLASSES - 1 - c) / CPAR;  // the lane's last live group
        localparam [31:0] LAST_G_32 = LAST_G;
        localparam [GRP_W-1:0] LAST_G_X = LAST_G_32[GRP_W-1:0];
        /* verilator tracing_off */
        wire [LOGIT_W-1:0] cand [0:(1 << GRP_W)-1];
        for (gi = 0; gi < (1 << GRP_W); gi = gi + 1) begin : g_cand
          if (gi <= LAST_G) begin : g_live
            assign cand[gi] = z_hold_bus[(gi*CPAR + c)*LOGIT_W +: LOGIT_W];
          end else begin : g_past
            assign cand[gi] = {LOGIT_W{1'b0}};
          end
        end
        /* verilator tracing_on */
        wire past = exp_group > LAST_G_X;
        wire signed [LOGIT_W-1:0] z = cand[exp_group];
        wire signed [LOGIT_W:0] d = {max[LOGIT_W-1], max} - {z[LOGIT_W-1], z};
        exp_lut #(
          .D_W(LOGIT_W + 1), .EXP_ADDR_BITS(EXP_ADDR_BITS), .EXP_OUT_BITS(EXP_OUT_BITS),
          .EXP_SHIFT(EXP_SHIFT), .EXP_FILE(EXP_FILE)
        ) exp_lut (
          .clk(clk), .en(!rst && state == S_EXP && issue), .zero(past), .d(d), .q(e_data[c])
        );
      end

      // sum + the group's exps (a chain of named wires); the model's sum is exact and fits SUM_W.
      for (c = 0; c < CPAR; c = c + 1) begin : g_add
        wire [SUM_W-1:0] s;
        if (c == 0) begin : g_head
          assign s = sum + {{(SUM_W-EXP_OUT_BITS){1'b0}}, e_data[c]};
        end else begin : g_tail
          assign s = g_add[c-1].s + {{(SUM_W-EXP_OUT_BITS){1'b0}}, e_data[c]};
        end
      end
      wire [SUM_W-1:0] sum_next = g_add[CPAR-1].s;

      always @(posedge clk) begin
        if (rst || state != S_EXP) begin
          exp_group <= 0;
          e_valid <= 1'b0;
          if (state == S_SELECT) sum <= 0;
        end else begin
          e_valid <= issue;
          e_last <= issue && exp_group == LAST_GROUP;
          if (issue) exp_group <= exp_group + 1'b1;
          if (e_valid) sum <= sum_next;
        end
      end

      // Leading one of the sum and the RECIP_BITS bits below it (zeros past the LSB).
      reg [MSB_W-1:0] msb;
      integer b;
      always @* begin
        msb = 0;
        for (b = 0; b < SUM_W; b = b + 1)
          if (sum[b]) msb = b[MSB_W-1:0];
      end
      wire [SUM_W+RECIP_BITS-1:0] aligned = {sum, {RECIP_BITS{1'b0}}} >> msb;
      wire [RECIP_BITS-1:0] recip_idx = aligned[RECIP_BITS-1:0];
      wire unused_aligned = &{1'b0, aligned[SUM_W+RECIP_BITS-1:RECIP_BITS]};

      /* verilator tracing_off */  // memories and their loaders are not traced (the model has none)
      reg [RECIP_FRAC:0] recip [0:(1 << RECIP_BITS)-1];
      initial begin : load
`ifndef SYNTHESIS
        reg [8*1024-1:0] path;
        if ($value$plusargs("recip=%s", path)) $readmemh(path, recip);
        else $readmemh(RECIP_FILE, recip);
`else
        $readmemh(RECIP_FILE, recip);
`endif
      end
      /* verilator tracing_on */

      always @(posedge clk)
        if (state == S_NORM) begin
          msb_q <= msb;
          recip_q <= recip[recip_idx];
        end
    end else begin : g_none
      genvar c;
      for (c = 0; c < CPAR; c = c + 1) begin : g_lane
        assign e_data[c] = {EXP_OUT_BITS{1'b0}};
      end
      assign exp_done = 1'b0;
      always @(posedge clk) begin
        exp_group <= 0;
        e_valid <= 1'b0;
        e_last <= 1'b0;
        sum <= 0;
        msb_q <= 0;
        recip_q <= 0;
      end
      wire unused_inputs = &{1'b0, rst, state, z_hold_bus, max, exp_group, e_valid, e_last, e_data[0]};
    end
  endgenerate
endmodule
