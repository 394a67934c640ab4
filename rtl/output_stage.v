// output_stage: fetches the entries of a vector one by one (ranked list, or z_hold in class
// order with EMIT_ALL) into em_* with their exp value (exp_lut, not in argmax), waits for the
// serial divider, and loads the AXI-Stream master register m_* whenever it is free or being
// accepted.
module output_stage #(
  parameter integer CLASSES = 10,
  parameter integer MODE = 1,
  parameter integer SERIAL = 0,
  parameter integer EMIT_ALL = 0,
  parameter integer ROUNDS = 3,
  parameter integer ENTRIES = 3,
  parameter integer IDX_W = 4,
  parameter integer LOGIT_W = 16,
  parameter integer VAL_W = 16,
  parameter integer PROB_W = 16,
  parameter integer PROB_FRAC = 15,
  parameter integer EXP_ADDR_BITS = 12,
  parameter integer EXP_OUT_BITS = 16,
  parameter integer EXP_SHIFT = 0,
  parameter integer SCALE_W = 16,
  parameter integer SCALE_FRAC = 16,
  parameter EXP_FILE = "exp.hex",
  parameter SCALE_FILE = "scale.hex"
) (
  input  wire                       clk,
  input  wire                       rst,
  input  wire [2:0]                 state,
  input  wire [CLASSES*LOGIT_W-1:0] z_hold_bus,
  input  wire [ROUNDS*IDX_W-1:0]    rank_idx_bus,
  input  wire [ROUNDS*LOGIT_W-1:0]  rank_val_bus,
  input  wire                       div_ready,
  input  wire [PROB_W-1:0]          div_prob,
  output reg                        m_valid,
  input  wire                       m_ready,
  output reg  [IDX_W-1:0]           m_index,
  output reg  [VAL_W-1:0]           m_value,
  output reg                        m_last,
  output wire                       fetch,        // an entry is fetched into em_* at this edge
  output reg                        em_full,
  output wire [EXP_OUT_BITS-1:0]    em_e,
  output wire                       vector_done   // the vector's last entry moves out
);
  localparam [2:0] S_EMIT = 3'd4;
  localparam integer K_W = $clog2(ENTRIES + 1);
  localparam integer X_W = ((K_W > IDX_W) ? K_W : IDX_W) + 1;
  localparam [31:0] N_ENTRIES_32 = ENTRIES;
  localparam [K_W-1:0] N_ENTRIES = N_ENTRIES_32[K_W-1:0];
  localparam [31:0] LAST_ENTRY_32 = ENTRIES - 1;
  localparam [K_W-1:0] LAST_ENTRY = LAST_ENTRY_32[K_W-1:0];
  localparam [31:0] LAST_ROUND_32 = ROUNDS - 1;
  localparam [X_W-1:0] LAST_ROUND = LAST_ROUND_32[X_W-1:0];
  localparam [31:0] LAST_CLASS_32 = CLASSES - 1;
  localparam [X_W-1:0] LAST_CLASS = LAST_CLASS_32[X_W-1:0];
  localparam WAIT_DIV = (MODE == 1 && SERIAL != 0);

  reg [K_W-1:0]            em_k;
  reg [IDX_W-1:0]          em_idx;
  reg signed [LOGIT_W-1:0] em_val;
  reg                      em_last;
  wire                     move;   // em_* moves into m_* at this edge


  wire out_free = !m_valid || m_ready;
  assign move = em_full && (!WAIT_DIV || div_ready) && out_free;
  assign vector_done = move && em_last;
  assign fetch = (state == S_EMIT) && (em_k < N_ENTRIES) && (!em_full || move);

  // Entry em_k: rank_idx/rank_val[em_k], or class em_k of z_hold (indices clamped in range).
  wire [X_W-1:0] kx = {{(X_W-K_W){1'b0}}, em_k};
  wire [IDX_W-1:0] k_rank = (kx > LAST_ROUND) ? {IDX_W{1'b0}} : kx[IDX_W-1:0];
  wire [IDX_W-1:0] k_class = (kx > LAST_CLASS) ? {IDX_W{1'b0}} : kx[IDX_W-1:0];
  wire [IDX_W-1:0] sel_idx = (EMIT_ALL != 0) ? k_class : rank_idx_bus[k_rank*IDX_W +: IDX_W];
  wire signed [LOGIT_W-1:0] sel_val = (EMIT_ALL != 0) ? z_hold_bus[k_class*LOGIT_W +: LOGIT_W]
                                                      : rank_val_bus[k_rank*LOGIT_W +: LOGIT_W];
  wire unused_kx = &{1'b0, kx};

  wire [VAL_W-1:0] value;
  generate
    if (MODE != 0) begin : g_exp
      // softmax: d = max - val (max = rank_val[0]); approx: d = -val.
      wire signed [LOGIT_W-1:0] max = rank_val_bus[LOGIT_W-1:0];
      wire signed [LOGIT_W:0] base = (MODE == 1) ? {max[LOGIT_W-1], max} : {(LOGIT_W+1){1'b0}};
      wire signed [LOGIT_W:0] d = base - {sel_val[LOGIT_W-1], sel_val};
      exp_lut #(
        .D_W(LOGIT_W + 1), .EXP_ADDR_BITS(EXP_ADDR_BITS), .EXP_OUT_BITS(EXP_OUT_BITS),
        .EXP_SHIFT(EXP_SHIFT), .EXP_FILE(EXP_FILE)
      ) exp_lut (
        .clk(clk), .en(!rst && fetch), .zero(1'b0), .d(d), .q(em_e)
      );
    end else begin : g_no_exp
      assign em_e = {EXP_OUT_BITS{1'b0}};
    end

    if (MODE == 0) begin : g_argmax
      assign value = {{(VAL_W-LOGIT_W){em_val[LOGIT_W-1]}}, em_val};
      wire unused_div = &{1'b0, div_ready, div_prob};
    end else if (MODE == 2) begin : g_approx
      wire [PROB_W-1:0] score;
      approx_scaler #(
        .EXP_OUT_BITS(EXP_OUT_BITS), .PROB_W(PROB_W), .PROB_FRAC(PROB_FRAC),
        .SCALE_W(SCALE_W), .SCALE_FRAC(SCALE_FRAC), .SCALE_FILE(SCALE_FILE)
      ) approx_scaler (
        .e(em_e), .score(score)
      );
      assign value = {{(VAL_W-PROB_W){1'b0}}, score};
      wire unused_div = &{1'b0, div_ready, div_prob, em_val};
    end else begin : g_softmax
      assign value = {{(VAL_W-PROB_W){1'b0}}, div_prob};
      wire unused_div = &{1'b0, div_ready, em_val};
    end
  endgenerate

  always @(posedge clk) begin
    if (rst) begin
      em_k <= 0;
      em_full <= 1'b0;
      // The port registers reset too (as in the model): no X on m_* before the first output,
      // and the same values as the model after a reset in the middle of a run.
      m_valid <= 1'b0;
      m_index <= {IDX_W{1'b0}};
      m_value <= {VAL_W{1'b0}};
      m_last <= 1'b0;
    end else begin
      if (move) begin
        m_valid <= 1'b1;
        m_index <= em_idx;
        m_value <= value;
        m_last <= em_last;
      end else if (m_ready) m_valid <= 1'b0;

      if (fetch) begin
        em_idx <= sel_idx;
        em_val <= sel_val;
        em_last <= (em_k == LAST_ENTRY);
        em_full <= 1'b1;
        em_k <= em_k + 1'b1;
      end else begin
        if (move) em_full <= 1'b0;
        if (state != S_EMIT) em_k <= 0;
      end
    end
  end
endmodule
