// divider (softmax only). SERIAL: a restoring divider, one quotient bit per cycle, QBITS =
// PROB_FRAC+2 cycles per entry, prob = (q + 1) >> 1 (exactly rounded). Reciprocal: prob =
// e * recip_q >> (RECIP_FRAC + msb - PROB_FRAC), round half up, combinational; with RECIP_DIV
// (recip_q = floor(2^RECIP_FRAC / sum)) msb is 0 and the shift a constant.
// Both saturate to PROB_W. Registers of the unused variant hold the model's constant zero.
module divider #(
  parameter integer MODE = 1,
  parameter integer SERIAL = 0,
  parameter integer QBITS = 17,
  parameter integer SUM_W = 20,
  parameter integer EXP_OUT_BITS = 16,
  parameter integer PROB_W = 16,
  parameter integer PROB_FRAC = 15,
  parameter integer RECIP_FRAC = 33,
  parameter integer RECIP_DIV = 1,
  parameter integer RECIP_W = 19,
  parameter integer MSB_W = $clog2(SUM_W + 1)
) (
  input  wire                    clk,
  input  wire                    rst,
  input  wire                    load,     // a new entry enters em_*
  input  wire                    em_full,
  input  wire [EXP_OUT_BITS-1:0] em_e,
  input  wire [SUM_W-1:0]        sum,
  input  wire [RECIP_W-1:0]      recip_q,
  input  wire [MSB_W-1:0]        msb_q,
  output wire                    ready,    // the serial quotient is complete
  output wire [PROB_W-1:0]       prob
);
  localparam integer CNT_W = $clog2(QBITS + 1);
  localparam [31:0] LAST_CNT_32 = QBITS;
  localparam [CNT_W-1:0] LAST_CNT = LAST_CNT_32[CNT_W-1:0];

  reg [SUM_W:0]     div_rem;
  reg [QBITS-1:0]   div_q;
  reg [CNT_W-1:0]   div_cnt;

  assign ready = (div_cnt == LAST_CNT);

  generate
    if (MODE == 1 && SERIAL != 0) begin : g_serial
      wire first = (div_cnt == 0);
      wire [SUM_W:0] rem = first ? {{(SUM_W+1-EXP_OUT_BITS){1'b0}}, em_e} : div_rem;
      wire [QBITS-1:0] q = first ? {QBITS{1'b0}} : div_q;
      wire bit_ = (rem >= {1'b0, sum});
      wire [SUM_W:0] diff = bit_ ? rem - {1'b0, sum} : rem;   // < sum: the top bit is 0
      always @(posedge clk) begin
        if (rst || load) div_cnt <= 0;
        else if (em_full && !ready) begin
          div_rem <= {diff[SUM_W-1:0], 1'b0};
          div_q <= {q[QBITS-2:0], bit_};
          div_cnt <= div_cnt + 1'b1;
        end
      end
      // (q + 1) >> 1, then saturate.
      wire [QBITS:0] q1 = {1'b0, div_q} + {{QBITS{1'b0}}, 1'b1};
      wire [QBITS-1:0] p = q1[QBITS:1];
      if (QBITS > PROB_W) begin : g_sat
        assign prob = (|p[QBITS-1:PROB_W]) ? {PROB_W{1'b1}} : p[PROB_W-1:0];
      end else begin : g_fit
        assign prob = {{(PROB_W-QBITS){1'b0}}, p};
      end
      wire unused_inputs = &{1'b0, recip_q, msb_q, diff[SUM_W], q[QBITS-1], q1[0]};
    end else begin : g_no_serial
      always @(posedge clk) begin
        div_rem <= 0;
        div_q <= 0;
        div_cnt <= 0;
      end
      wire unused_regs = &{1'b0, div_rem, div_q};
      if (MODE == 1 && RECIP_DIV != 0) begin : g_divided
        // recip_q = floor(2^RECIP_FRAC / sum) with RECIP_FRAC = EXP_OUT_BITS + PROB_FRAC + 2: e * recip_q
        // <= 2^RECIP_FRAC (e <= sum), so the rounded quotient is at most 2^PROB_FRAC: PROB_FRAC + 1 bits.
        localparam integer SH = RECIP_FRAC - PROB_FRAC;
        localparam integer X_W = EXP_OUT_BITS + RECIP_W;
        localparam integer R_W = PROB_FRAC + 1;
        wire [X_W-1:0] x = {{RECIP_W{1'b0}}, em_e} * {{EXP_OUT_BITS{1'b0}}, recip_q};
        wire [R_W:0] y = x[SH-1 +: R_W+1];        // (x >> SH-1): the result and the rounding bit
        wire [R_W:0] y1 = y + {{R_W{1'b0}}, 1'b1};
        wire [R_W-1:0] r = y1[R_W:1];
        if (R_W > PROB_W) begin : g_sat
          assign prob = (|r[R_W-1:PROB_W]) ? {PROB_W{1'b1}} : r[PROB_W-1:0];
        end else begin : g_fit
          assign prob = {{(PROB_W-R_W){1'b0}}, r};
        end
        wire unused_inputs = &{1'b0, rst, load, em_full, sum, msb_q, y1[0], x[X_W-1:SH+R_W], x[SH-2:0]};
      end else if (MODE == 1) begin : g_reciprocal
        // roundShift(x, s) with s = RECIP_FRAC + msb - PROB_FRAC may be <= 0: pre-shift left by
        // LMAX so that the shift is a right shift t >= 0, then ((x << 1 >> t) + 1) >> 1.
        localparam integer LMAX = (PROB_FRAC > RECIP_FRAC) ? PROB_FRAC - RECIP_FRAC : 0;
        localparam integer X_W = EXP_OUT_BITS + RECIP_W + LMAX;
        localparam integer T_OFF = RECIP_FRAC - PROB_FRAC + LMAX;
        localparam integer T_W = $clog2(SUM_W + T_OFF + 1) + 1;
        localparam [31:0] T_OFF_X_32 = T_OFF;
        localparam [T_W-1:0] T_OFF_X = T_OFF_X_32[T_W-1:0];
        wire [X_W-1:0] ex = {{(X_W-EXP_OUT_BITS){1'b0}}, em_e};
        wire [X_W-1:0] rx = {{(X_W-RECIP_W){1'b0}}, recip_q};
        wire [X_W-1:0] x = (ex * rx) << LMAX;
        wire [T_W-1:0] t = {{(T_W-MSB_W){1'b0}}, msb_q} + T_OFF_X;
        wire [X_W:0] y = {x, 1'b0} >> t;
        wire [X_W:0] y1 = y + {{X_W{1'b0}}, 1'b1};
        wire [X_W-1:0] r = y1[X_W:1];
        if (X_W > PROB_W) begin : g_sat
          assign prob = (|r[X_W-1:PROB_W]) ? {PROB_W{1'b1}} : r[PROB_W-1:0];
        end else begin : g_fit
          assign prob = {{(PROB_W-X_W){1'b0}}, r};
        end
        wire unused_inputs = &{1'b0, rst, load, em_full, sum, y1[0]};
      end else begin : g_none
        assign prob = {PROB_W{1'b0}};
        wire unused_inputs = &{1'b0, rst, load, em_full, em_e, sum, recip_q, msb_q};
      end
    end
  endgenerate
endmodule
