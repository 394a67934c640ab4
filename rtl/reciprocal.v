// reciprocal (softmax, reciprocal divider): 1/sum once per vector, as soon as the sum is complete
// (models/head/reciprocal.ts). RECIP_DIV = 0: the leading one of the sum (msb_q) and the table
// entry of the RECIP_BITS bits below it (recip_q = RECIP[...], 2^RECIP_FRAC / mantissa), one
// cycle. RECIP_DIV = 1: recip_q = floor(2^RECIP_FRAC / sum) (RECIP_FRAC of head) by a
// non-restoring division, two steps per cycle for RECIP_CYCLES cycles: rc_t (the partial
// remainder minus the sum, in [-sum, sum)) waits in IDLE at 2^RECIP_INIT_SHIFT >= 0, half the
// first partial remainder, so the first step makes it (and a quotient bit 1 that falls off the top
// of recip_q). Each step: b = (rc_t >= 0); rc_t = 2 rc_t - sum if b, + sum otherwise; recip_q =
// {recip_q, b}. norm_done: the reciprocal is complete at this edge or was already; with the serial
// divider there is nothing to compute and it is sum_done.
module reciprocal #(
  parameter integer MODE = 1,
  parameter integer SERIAL = 0,
  parameter integer SUM_W = 20,
  parameter integer RECIP_BITS = 10,
  parameter integer RECIP_DIV = 1,
  parameter integer RECIP_W = 19,
  parameter integer RECIP_CYCLES = 10,
  parameter integer RECIP_INIT_SHIFT = 14,
  parameter RECIP_FILE = "recip.hex",
  parameter integer MSB_W = $clog2(SUM_W + 1)
) (
  input  wire              clk,
  input  wire              rst,
  input  wire [1:0]        state,
  input  wire [SUM_W-1:0]  sum,
  input  wire              sum_done,
  output wire              norm_done,
  output reg  [MSB_W-1:0]  msb_q,
  output reg  [RECIP_W-1:0] recip_q
);
  localparam [1:0] S_IDLE = 2'd0;
  localparam integer CYC = (RECIP_DIV != 0) ? RECIP_CYCLES : 1;
  localparam integer CNT_W = (CYC < 2) ? 1 : $clog2(CYC + 1);
  localparam [31:0] CYC_32 = CYC;
  localparam [CNT_W-1:0] CYC_X = CYC_32[CNT_W-1:0];
  localparam [31:0] CYC_M1_32 = CYC - 1;
  localparam [CNT_W-1:0] CYC_M1 = CYC_M1_32[CNT_W-1:0];
  localparam integer T_W = SUM_W + 1;

  reg [CNT_W-1:0]        rc_cnt;
  reg signed [T_W-1:0]   rc_t;

  generate
    if (MODE == 1 && SERIAL == 0) begin : g_recip
      if (CYC == 1) begin : g_one
        assign norm_done = sum_done;
        wire unused_m1 = &{1'b0, CYC_M1};
      end else begin : g_more
        assign norm_done = sum_done && (rc_cnt >= CYC_M1);
      end
      wire step = sum_done && (rc_cnt != CYC_X);
      always @(posedge clk)
        if (rst || state == S_IDLE) rc_cnt <= 0;
        else if (step) rc_cnt <= rc_cnt + 1'b1;

      if (RECIP_DIV != 0) begin : g_divide
        // t' = 2t - S if t >= 0 else 2t + S, as one adder: 2t + (S ^ {b}) + b, modulo 2^T_W: the
        // result lies in [-S, S) and fits T_W = SUM_W + 1 bits, so the carries above do not matter.
        wire [T_W-1:0] s = {1'b0, sum};
        wire b1 = !rc_t[T_W-1];
        wire [T_W-1:0] t1 = {rc_t[T_W-2:0], 1'b0} + (s ^ {T_W{b1}}) + {{(T_W-1){1'b0}}, b1};
        wire b2 = !t1[T_W-1];
        wire [T_W-1:0] t2 = {t1[T_W-2:0], 1'b0} + (s ^ {T_W{b2}}) + {{(T_W-1){1'b0}}, b2};
        localparam [T_W-1:0] T_INIT = {{(T_W-1){1'b0}}, 1'b1} << RECIP_INIT_SHIFT;
        always @(posedge clk)
          if (rst || state == S_IDLE) rc_t <= T_INIT;
          else if (step) begin
            rc_t <= t2;
            recip_q <= {recip_q[RECIP_W-3:0], b1, b2};
          end
        always @(posedge clk) msb_q <= 0;
      end else begin : g_table
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
        reg [RECIP_W-1:0] recip [0:(1 << RECIP_BITS)-1];
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
          if (!rst && state != S_IDLE && step) begin
            msb_q <= msb;
            recip_q <= recip[recip_idx];
          end
        always @(posedge clk) rc_t <= 0;
        wire unused_t = &{1'b0, rc_t};
      end
    end else begin : g_none
      assign norm_done = sum_done;
      always @(posedge clk) begin
        rc_cnt <= 0;
        rc_t <= 0;
        msb_q <= 0;
        recip_q <= 0;
      end
      wire unused_inputs = &{1'b0, rst, state, sum, rc_cnt, rc_t, CYC_X, CYC_M1};
    end
  endgenerate
endmodule
