// head: top of the classifier head. Ports, the components in data order and the back-end
// sequencer (IDLE -> SELECT -> [EXP -> NORM] -> EMIT). Mirrors models/head/head.ts; every
// parameter comes precomputed from harness/rtl/params.ts.
module head #(
  parameter integer CLASSES = 10,
  parameter integer INPUTS = 512,
  parameter integer KPAR = 8,
  parameter integer CPAR = 10,
  parameter integer RELU = 1,
  parameter integer MODE = 1,          // 0 argmax, 1 softmax, 2 approx
  parameter integer SERIAL = 0,
  parameter integer EMIT_ALL = 0,
  parameter integer BEATS = 64,
  parameter integer PASSES = 1,
  parameter integer LEVELS = 4,
  parameter integer ROUNDS = 3,
  parameter integer ENTRIES = 3,
  parameter integer QBITS = 17,
  parameter integer IN_W = 16,
  parameter integer W_W = 16,
  parameter integer BIAS_W = 16,
  parameter integer ACC_W = 41,
  parameter integer ACC_SAT = 0,
  parameter integer LOGIT_W = 16,
  parameter integer PROB_W = 16,
  parameter integer PROB_FRAC = 15,
  parameter integer EXP_ADDR_BITS = 12,
  parameter integer EXP_OUT_BITS = 16,
  parameter integer EXP_SHIFT = 0,
  parameter integer SUM_W = 20,
  parameter integer IDX_W = 4,
  parameter integer VAL_W = 16,
  parameter integer BIAS_SHIFT = 12,
  parameter integer REQUANT_SHIFT = 14,
  parameter integer RECIP_BITS = 10,
  parameter integer RECIP_FRAC = 17,
  parameter integer SCALE_W = 16,
  parameter integer SCALE_FRAC = 16,
  // Memory images; in simulation the plusargs +weights= +bias= +exp= +recip= +scale= win.
  parameter WEIGHTS_FILE = "weights.hex",
  parameter BIAS_FILE = "bias.hex",
  parameter EXP_FILE = "exp.hex",
  parameter RECIP_FILE = "recip.hex",
  parameter SCALE_FILE = "scale.hex"
) (
  input  wire                   clk,
  input  wire                   rst,
  input  wire                   s_valid,
  output wire                   s_ready,
  input  wire [KPAR*IN_W-1:0]   s_data,
  input  wire                   s_last,
  output wire                   m_valid,
  input  wire                   m_ready,
  output wire [IDX_W-1:0]       m_index,
  output wire [VAL_W-1:0]       m_value,
  output wire                   m_last
);
  // Widths of the model's counters: bitsFor(n) = bits to hold n.
  localparam integer BEAT_W = (BEATS - 1 < 1) ? 1 : $clog2(BEATS);
  localparam integer PASS_W = (PASSES - 1 < 1) ? 1 : $clog2(PASSES);
  localparam integer MSB_W = $clog2(SUM_W + 1);

  localparam [2:0] S_IDLE = 3'd0, S_SELECT = 3'd1, S_EXP = 3'd2, S_NORM = 3'd3, S_EMIT = 3'd4;

  // The beat counter, not s_last, ends a vector (as in the model); s_last is a protocol courtesy.
  wire unused_s_last = s_last;

  reg  [2:0] state;

  wire                     stall;
  wire                     issue;
  wire [BEAT_W-1:0]        beat;
  wire [PASS_W-1:0]        pass;
  wire                     x_valid, x_first, x_last;
  wire [PASS_W-1:0]        x_group;
  wire [KPAR*IN_W-1:0]     x_bus;
  wire                     a_valid;
  wire [PASS_W-1:0]        a_group;
  wire [CPAR*ACC_W-1:0]    acc_bus;
  wire [CLASSES*LOGIT_W-1:0] z_hold_bus;
  wire                     z_hold_full;
  wire                     sel_done;
  wire [ROUNDS*IDX_W-1:0]  rank_idx_bus;
  wire [ROUNDS*LOGIT_W-1:0] rank_val_bus;
  wire                     exp_done;
  wire [SUM_W-1:0]         sum;
  wire [MSB_W-1:0]         msb_q;
  wire [RECIP_FRAC:0]      recip_q;
  wire                     fetch, em_full, vector_done;
  wire [EXP_OUT_BITS-1:0]  em_e;
  wire                     div_ready;
  wire [PROB_W-1:0]        div_prob;

  input_stage #(
    .INPUTS(INPUTS), .KPAR(KPAR), .IN_W(IN_W), .RELU(RELU), .BEATS(BEATS), .PASSES(PASSES)
  ) input_stage (
    .clk(clk), .rst(rst), .stall(stall), .s_valid(s_valid), .s_ready(s_ready), .s_data(s_data),
    .issue(issue), .beat(beat), .pass(pass), .x_valid(x_valid), .x_bus(x_bus),
    .x_first(x_first), .x_last(x_last), .x_group(x_group)
  );

  mac_array #(
    .KPAR(KPAR), .CPAR(CPAR), .IN_W(IN_W), .W_W(W_W), .ACC_W(ACC_W), .ACC_SAT(ACC_SAT),
    .BEATS(BEATS), .PASSES(PASSES), .WEIGHTS_FILE(WEIGHTS_FILE)
  ) mac_array (
    .clk(clk), .rst(rst), .stall(stall), .issue(issue), .beat(beat), .pass(pass),
    .x_valid(x_valid), .x_bus(x_bus), .x_first(x_first), .x_last(x_last), .x_group(x_group),
    .a_valid(a_valid), .a_group(a_group), .acc_bus(acc_bus)
  );

  logit_bank #(
    .CLASSES(CLASSES), .CPAR(CPAR), .PASSES(PASSES), .ACC_W(ACC_W), .BIAS_W(BIAS_W),
    .LOGIT_W(LOGIT_W), .BIAS_SHIFT(BIAS_SHIFT), .REQUANT_SHIFT(REQUANT_SHIFT), .BIAS_FILE(BIAS_FILE)
  ) logit_bank (
    .clk(clk), .rst(rst), .a_valid(a_valid), .a_group(a_group), .acc_bus(acc_bus),
    .vector_done(vector_done), .stall(stall), .z_hold_bus(z_hold_bus), .z_hold_full(z_hold_full)
  );

  comparator_tree #(
    .CLASSES(CLASSES), .LEVELS(LEVELS), .ROUNDS(ROUNDS), .IDX_W(IDX_W), .LOGIT_W(LOGIT_W)
  ) comparator_tree (
    .clk(clk), .rst(rst), .state(state), .z_hold_bus(z_hold_bus), .z_hold_full(z_hold_full),
    .sel_done(sel_done), .rank_idx_bus(rank_idx_bus), .rank_val_bus(rank_val_bus)
  );

  normalizer #(
    .CLASSES(CLASSES), .CPAR(CPAR), .PASSES(PASSES), .MODE(MODE), .LOGIT_W(LOGIT_W),
    .EXP_ADDR_BITS(EXP_ADDR_BITS), .EXP_OUT_BITS(EXP_OUT_BITS), .EXP_SHIFT(EXP_SHIFT),
    .SUM_W(SUM_W), .RECIP_BITS(RECIP_BITS), .RECIP_FRAC(RECIP_FRAC),
    .EXP_FILE(EXP_FILE), .RECIP_FILE(RECIP_FILE)
  ) normalizer (
    .clk(clk), .rst(rst), .state(state), .z_hold_bus(z_hold_bus),
    .max(rank_val_bus[LOGIT_W-1:0]), .exp_done(exp_done), .sum(sum), .msb_q(msb_q), .recip_q(recip_q)
  );

  divider #(
    .MODE(MODE), .SERIAL(SERIAL), .QBITS(QBITS), .SUM_W(SUM_W), .EXP_OUT_BITS(EXP_OUT_BITS),
    .PROB_W(PROB_W), .PROB_FRAC(PROB_FRAC), .RECIP_FRAC(RECIP_FRAC)
  ) divider (
    .clk(clk), .rst(rst), .fetch(fetch), .em_full(em_full), .em_e(em_e), .sum(sum),
    .recip_q(recip_q), .msb_q(msb_q), .ready(div_ready), .prob(div_prob)
  );

  output_stage #(
    .CLASSES(CLASSES), .MODE(MODE), .SERIAL(SERIAL), .EMIT_ALL(EMIT_ALL), .ROUNDS(ROUNDS),
    .ENTRIES(ENTRIES), .IDX_W(IDX_W), .LOGIT_W(LOGIT_W), .VAL_W(VAL_W), .PROB_W(PROB_W),
    .PROB_FRAC(PROB_FRAC), .EXP_ADDR_BITS(EXP_ADDR_BITS), .EXP_OUT_BITS(EXP_OUT_BITS),
    .EXP_SHIFT(EXP_SHIFT), .SCALE_W(SCALE_W), .SCALE_FRAC(SCALE_FRAC),
    .EXP_FILE(EXP_FILE), .SCALE_FILE(SCALE_FILE)
  ) output_stage (
    .clk(clk), .rst(rst), .state(state), .z_hold_bus(z_hold_bus), .rank_idx_bus(rank_idx_bus),
    .rank_val_bus(rank_val_bus), .div_ready(div_ready), .div_prob(div_prob),
    .m_valid(m_valid), .m_ready(m_ready), .m_index(m_index), .m_value(m_value), .m_last(m_last),
    .fetch(fetch), .em_full(em_full), .em_e(em_e), .vector_done(vector_done)
  );

  // Back-end sequencer.
  always @(posedge clk) begin
    if (rst) state <= S_IDLE;
    else
      case (state)
        S_IDLE:   if (z_hold_full) state <= S_SELECT;
        S_SELECT: if (sel_done) state <= (MODE == 1) ? S_EXP : S_EMIT;
        S_EXP:    if (exp_done) state <= (SERIAL != 0) ? S_EMIT : S_NORM;
        S_NORM:   state <= S_EMIT;
        S_EMIT:   if (vector_done) state <= S_IDLE;
        default:  ;
      endcase
  end
endmodule
