// head: top of the classifier head. Ports, the components in data order (the selector: a
// comparator tree, SELECT = 0, or a stream selector, SELECT = 1), the logit bank's read port
// shared by the normalizer (EXP pass) and the output stage (emit=all), and the back-end
// sequencer (IDLE -> [SELECT] -> [NORM] -> EMIT; stream has no SELECT). Mirrors models/head/head.ts; every parameter
// comes precomputed from harness/rtl/params.ts.
module head #(
  parameter integer CLASSES = 10,
  parameter integer INPUTS = 512,
  parameter integer KPAR = 8,
  parameter integer CPAR = 10,
  parameter integer RELU = 1,
  parameter integer MODE = 1,          // 0 argmax, 1 softmax, 2 approx
  parameter integer SERIAL = 0,
  parameter integer EMIT_ALL = 0,
  parameter integer RD_FETCH = 1,
  parameter integer BEATS = 64,
  parameter integer PASSES = 1,
  parameter integer LEVELS = 4,
  parameter integer ROUNDS = 3,
  parameter integer ENTRIES = 3,
  parameter integer SELECT = 0,        // 0 tree, 1 stream
  parameter integer ROWS_LAST = 10,
  parameter integer RAM_BLOCK = 0,
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
  parameter integer EXP_PAR = 1,
  parameter integer EXP_GROUPS = 10,
  parameter integer EXP_SPLIT = 1,
  parameter integer EXP_LO_BITS = 6,
  parameter integer EXP_HI_W = 16,
  parameter integer EXP_LO_W = 9,
  parameter integer EXP_SPLIT_SHIFT = 9,
  parameter integer SUM_W = 20,
  parameter integer IDX_W = 4,
  parameter integer VAL_W = 16,
  parameter integer BIAS_SHIFT = 12,
  parameter integer REQUANT_SHIFT = 14,
  parameter integer RECIP_BITS = 10,
  parameter integer RECIP_FRAC = 33,
  parameter integer RECIP_DIV = 1,
  parameter integer RECIP_W = 19,
  parameter integer RECIP_CYCLES = 10,
  parameter integer RECIP_INIT_SHIFT = 14,
  parameter integer SCALE_W = 16,
  parameter integer SCALE_FRAC = 16,
  // Memory images; in simulation the plusargs +weights= +bias= +exp= +exp_hi= +exp_lo= +recip=
  // +scale= win.
  parameter WEIGHTS_FILE = "weights.hex",
  parameter BIAS_FILE = "bias.hex",
  parameter EXP_FILE = "exp.hex",
  parameter EXP_HI_FILE = "exp_hi.hex",
  parameter EXP_LO_FILE = "exp_lo.hex",
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
  localparam integer GRP_W = (EXP_GROUPS - 1 < 1) ? 1 : $clog2(EXP_GROUPS);  // bitsFor(G - 1)
  localparam integer GCNT_W = $clog2(EXP_GROUPS + 1);                         // bitsFor(G)
  localparam integer RD_PORT = (MODE == 1 || EMIT_ALL != 0) ? 1 : 0;

  localparam [1:0] S_IDLE = 2'd0, S_SELECT = 2'd1, S_NORM = 2'd2, S_EMIT = 2'd3;

  // The beat counter, not s_last, ends a vector (as in the model); s_last is a protocol courtesy.
  wire unused_s_last = s_last;

  reg  [1:0] state;

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
  wire                     sel_done, max_rec;
  wire                     d_valid, hold_load;
  wire [IDX_W-1:0]         d_idx;
  wire signed [LOGIT_W-1:0] d_val;
  wire [ROUNDS*IDX_W-1:0]  rank_idx_bus;
  wire [ROUNDS*LOGIT_W-1:0] rank_val_bus;
  wire                     z_rd_en;
  wire [GRP_W-1:0]         z_rd_addr;
  wire [EXP_PAR*LOGIT_W-1:0] z_rd_data_bus;
  wire                     exp_issue;
  wire [GCNT_W-1:0]        exp_group;
  wire                     n_rd_valid, n_rd_last, n_t_valid;
  wire [EXP_PAR*EXP_OUT_BITS-1:0] e_bus;
  wire [SUM_W-1:0]         sum;
  wire                     sum_done;
  wire                     norm_done;
  wire [MSB_W-1:0]         msb_q;
  wire [RECIP_W-1:0]       recip_q;
  wire                     em_full, em_load, vector_done;
  wire                     o_en1, o_en2;
  wire signed [LOGIT_W-1:0] o_z;
  wire                     o_rd_en;
  wire [GRP_W-1:0]         o_rd_addr;
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
    .LOGIT_W(LOGIT_W), .BIAS_SHIFT(BIAS_SHIFT), .REQUANT_SHIFT(REQUANT_SHIFT),
    .RD_PORT(RD_PORT), .RD_LANES(EXP_PAR), .GRP_W(GRP_W), .SELECT(SELECT), .ROWS_LAST(ROWS_LAST),
    .IDX_W(IDX_W), .RAM_BLOCK(RAM_BLOCK), .BIAS_FILE(BIAS_FILE)
  ) logit_bank (
    .clk(clk), .rst(rst), .a_valid(a_valid), .a_group(a_group), .acc_bus(acc_bus),
    .vector_done(vector_done), .stall(stall), .z_hold_bus(z_hold_bus), .z_hold_full(z_hold_full),
    .z_rd_en(z_rd_en), .z_rd_addr(z_rd_addr), .z_rd_data_bus(z_rd_data_bus),
    .d_valid(d_valid), .d_idx(d_idx), .d_val(d_val), .hold_load(hold_load)
  );

  generate
    if (SELECT == 0) begin : g_select
      comparator_tree #(
        .CLASSES(CLASSES), .LEVELS(LEVELS), .ROUNDS(ROUNDS), .IDX_W(IDX_W), .LOGIT_W(LOGIT_W)
      ) comparator_tree (
        .clk(clk), .rst(rst), .state(state), .z_hold_bus(z_hold_bus), .z_hold_full(z_hold_full),
        .sel_done(sel_done), .max_rec(max_rec), .rank_idx_bus(rank_idx_bus), .rank_val_bus(rank_val_bus)
      );
      wire unused_stream = &{1'b0, d_valid, d_idx, d_val, hold_load};
    end else begin : g_select
      stream_selector #(
        .ROUNDS(ROUNDS), .IDX_W(IDX_W), .LOGIT_W(LOGIT_W)
      ) stream_selector (
        .clk(clk), .rst(rst), .d_valid(d_valid), .d_idx(d_idx), .d_val(d_val), .hold_load(hold_load),
        .rank_idx_bus(rank_idx_bus), .rank_val_bus(rank_val_bus)
      );
      // The EXP pass starts with NORM: rank_val[0] and the RAM's read bank hold the vector then.
      assign max_rec = (state == S_NORM);
      assign sel_done = 1'b0;
      wire unused_tree = &{1'b0, z_hold_bus};
    end
  endgenerate

  exp_unit #(
    .MODE(MODE), .CLASSES(CLASSES), .EXP_PAR(EXP_PAR), .EXP_GROUPS(EXP_GROUPS), .LOGIT_W(LOGIT_W),
    .EXP_SPLIT(EXP_SPLIT), .EXP_ADDR_BITS(EXP_ADDR_BITS), .EXP_OUT_BITS(EXP_OUT_BITS),
    .EXP_SHIFT(EXP_SHIFT), .EXP_LO_BITS(EXP_LO_BITS), .EXP_HI_W(EXP_HI_W), .EXP_LO_W(EXP_LO_W),
    .EXP_SPLIT_SHIFT(EXP_SPLIT_SHIFT), .EXP_FILE(EXP_FILE), .EXP_HI_FILE(EXP_HI_FILE),
    .EXP_LO_FILE(EXP_LO_FILE)
  ) exp_unit (
    .clk(clk), .base(rank_val_bus[LOGIT_W-1:0]), .rd_data_bus(z_rd_data_bus),
    .n_en1(n_rd_valid), .n_en2(n_t_valid), .n_last(n_rd_last),
    .own(sum_done), .o_en1(o_en1), .o_en2(o_en2), .o_z(o_z), .e_bus(e_bus)
  );

  normalizer #(
    .MODE(MODE), .EXP_PAR(EXP_PAR), .EXP_GROUPS(EXP_GROUPS), .GCNT_W(GCNT_W), .EXP_SPLIT(EXP_SPLIT),
    .EXP_OUT_BITS(EXP_OUT_BITS), .SUM_W(SUM_W)
  ) normalizer (
    .clk(clk), .rst(rst), .state(state), .max_rec(max_rec), .e_bus(e_bus),
    .exp_issue(exp_issue), .exp_group(exp_group), .rd_valid(n_rd_valid), .rd_last(n_rd_last),
    .t_valid(n_t_valid), .sum(sum), .sum_done(sum_done)
  );

  reciprocal #(
    .MODE(MODE), .SERIAL(SERIAL), .SUM_W(SUM_W), .RECIP_BITS(RECIP_BITS), .RECIP_DIV(RECIP_DIV), .RECIP_W(RECIP_W), .RECIP_CYCLES(RECIP_CYCLES),
    .RECIP_INIT_SHIFT(RECIP_INIT_SHIFT), .RECIP_FILE(RECIP_FILE)
  ) reciprocal (
    .clk(clk), .rst(rst), .state(state), .sum(sum), .sum_done(sum_done),
    .norm_done(norm_done), .msb_q(msb_q), .recip_q(recip_q)
  );

  divider #(
    .MODE(MODE), .SERIAL(SERIAL), .QBITS(QBITS), .SUM_W(SUM_W), .EXP_OUT_BITS(EXP_OUT_BITS),
    .PROB_W(PROB_W), .PROB_FRAC(PROB_FRAC), .RECIP_FRAC(RECIP_FRAC), .RECIP_DIV(RECIP_DIV),
    .RECIP_W(RECIP_W)
  ) divider (
    .clk(clk), .rst(rst), .load(em_load), .em_full(em_full), .em_e(e_bus[EXP_OUT_BITS-1:0]),
    .sum(sum), .recip_q(recip_q), .msb_q(msb_q), .ready(div_ready), .prob(div_prob)
  );

  output_stage #(
    .MODE(MODE), .SERIAL(SERIAL), .EMIT_ALL(EMIT_ALL), .RD_FETCH(RD_FETCH), .EXP_SPLIT(EXP_SPLIT), .EXP_PAR(EXP_PAR),
    .ROUNDS(ROUNDS), .ENTRIES(ENTRIES), .GRP_W(GRP_W), .IDX_W(IDX_W), .LOGIT_W(LOGIT_W),
    .VAL_W(VAL_W), .PROB_W(PROB_W), .PROB_FRAC(PROB_FRAC), .EXP_OUT_BITS(EXP_OUT_BITS),
    .SCALE_W(SCALE_W), .SCALE_FRAC(SCALE_FRAC), .SCALE_FILE(SCALE_FILE)
  ) output_stage (
    .clk(clk), .rst(rst), .state(state), .sum_done(sum_done), .z_rd_data_bus(z_rd_data_bus),
    .rank_idx_bus(rank_idx_bus), .rank_val_bus(rank_val_bus), .em_e(e_bus[EXP_OUT_BITS-1:0]),
    .div_ready(div_ready), .div_prob(div_prob),
    .m_valid(m_valid), .m_ready(m_ready), .m_index(m_index), .m_value(m_value), .m_last(m_last),
    .em_full(em_full), .em_load(em_load), .vector_done(vector_done),
    .o_en1(o_en1), .o_en2(o_en2), .o_z(o_z), .o_rd_en(o_rd_en), .o_rd_addr(o_rd_addr)
  );

  // The read port: the normalizer's EXP pass, or the output stage (emit=all) once the sum is done.
  assign z_rd_en = exp_issue || o_rd_en;
  assign z_rd_addr = exp_issue ? exp_group[GRP_W-1:0] : o_rd_addr;
  wire unused_rd = &{1'b0, exp_group};

  // Back-end sequencer.
  always @(posedge clk) begin
    if (rst) state <= S_IDLE;
    else
      case (state)
        S_IDLE:   if (SELECT == 0 ? z_hold_full : hold_load) state <= (SELECT == 0) ? S_SELECT : (MODE == 1) ? S_NORM : S_EMIT;
        S_SELECT: if (sel_done) state <= (MODE == 1) ? S_NORM : S_EMIT;
        S_NORM:   if (norm_done) state <= S_EMIT;
        default:  if (vector_done) state <= S_IDLE;  // S_EMIT
      endcase
  end
endmodule
