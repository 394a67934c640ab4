// output_stage: fetches the entries of a vector one by one (the ranked list, or with EMIT_ALL every
// class in order) down a short pipeline that stalls as a whole (adv): [rd_* (RD_FETCH: the logit
// from the bank's read port, by class)] -> [ex_* (split: lane 0's exp tables)] -> em_*
// (the entry with its exp em_e, lane 0's e_q); waits for the serial divider; loads the
// AXI-Stream master register m_* whenever it is free or being accepted. In softmax it fetches once
// the sum is complete (NORM), so that only the final multiply waits for the reciprocal.
module output_stage #(
  parameter integer MODE = 1,
  parameter integer SERIAL = 0,
  parameter integer EMIT_ALL = 0,
  parameter integer RD_FETCH = 1,    // fetch logits through the read port (emit=all, or one exp lane)
  parameter integer EXP_SPLIT = 1,
  parameter integer EXP_PAR = 1,
  parameter integer ROUNDS = 3,
  parameter integer ENTRIES = 3,
  parameter integer GRP_W = 4,
  parameter integer IDX_W = 4,
  parameter integer LOGIT_W = 16,
  parameter integer VAL_W = 16,
  parameter integer PROB_W = 16,
  parameter integer PROB_FRAC = 15,
  parameter integer EXP_OUT_BITS = 16,
  parameter integer SCALE_W = 16,
  parameter integer SCALE_FRAC = 16,
  parameter SCALE_FILE = "scale.hex"
) (
  input  wire                        clk,
  input  wire                        rst,
  input  wire [1:0]                  state,
  input  wire                        sum_done,
  input  wire [EXP_PAR*LOGIT_W-1:0]  z_rd_data_bus,
  input  wire [ROUNDS*IDX_W-1:0]     rank_idx_bus,
  input  wire [ROUNDS*LOGIT_W-1:0]   rank_val_bus,
  input  wire [EXP_OUT_BITS-1:0]     em_e,         // lane 0 of the exp unit
  input  wire                        div_ready,
  input  wire [PROB_W-1:0]           div_prob,
  output reg                         m_valid,
  input  wire                        m_ready,
  output reg  [IDX_W-1:0]            m_index,
  output reg  [VAL_W-1:0]            m_value,
  output reg                         m_last,
  output reg                         em_full,
  output wire                        em_load,      // a new entry enters em_* at this edge
  output wire                        vector_done,  // the vector's last entry moves out
  output wire                        o_en1,        // lane 0: load its first stage
  output wire                        o_en2,        // lane 0: load its second stage (split)
  output wire signed [LOGIT_W-1:0]   o_z,          // lane 0: the logit
  output wire                        o_rd_en,      // read port request (EMIT_ALL)
  output wire [GRP_W-1:0]            o_rd_addr
);
  localparam [1:0] S_IDLE = 2'd0, S_NORM = 2'd2, S_EMIT = 2'd3;
  localparam integer K_W = $clog2(ENTRIES + 1);
  localparam integer LANE_W = (EXP_PAR - 1 < 1) ? 1 : $clog2(EXP_PAR);   // bitsFor(expPar - 1)
  localparam integer X_W = ((K_W > IDX_W) ? K_W : IDX_W) + 1;
  localparam [31:0] N_ENTRIES_32 = ENTRIES;
  localparam [K_W-1:0] N_ENTRIES = N_ENTRIES_32[K_W-1:0];
  localparam [31:0] LAST_ENTRY_32 = ENTRIES - 1;
  localparam [K_W-1:0] LAST_ENTRY = LAST_ENTRY_32[K_W-1:0];
  localparam [31:0] LAST_ROUND_32 = ROUNDS - 1;
  localparam [X_W-1:0] LAST_ROUND = LAST_ROUND_32[X_W-1:0];
  localparam [31:0] LAST_LANE_32 = EXP_PAR - 1;
  localparam [LANE_W-1:0] LAST_LANE = LAST_LANE_32[LANE_W-1:0];
  localparam WAIT_DIV = (MODE == 1 && SERIAL != 0);
  localparam SPLIT = (MODE != 0 && EXP_SPLIT != 0);
  localparam LANE_PORTS = (EMIT_ALL != 0 && EXP_PAR > 1);

  reg [K_W-1:0]            em_k;
  reg [GRP_W-1:0]          em_grp;
  reg [LANE_W-1:0]         em_lane;
  reg                      rd_valid;
  reg [IDX_W-1:0]          rd_idx;
  reg [LANE_W-1:0]         rd_lane;
  reg                      rd_last;
  reg                      ex_valid;
  reg [IDX_W-1:0]          ex_idx;
  reg                      ex_last;
  reg [IDX_W-1:0]          em_idx;
  reg signed [LOGIT_W-1:0] em_val;
  reg                      em_last;


  wire out_free = !m_valid || m_ready;
  wire move = em_full && (state == S_EMIT) && (!WAIT_DIV || div_ready) && out_free;
  wire adv = !em_full || move;
  wire phase = (state == S_EMIT) || (state == S_NORM && sum_done);
  wire fetch = adv && phase && (em_k < N_ENTRIES);
  assign vector_done = move && em_last;

  // The entry at the fetch: ranked entry em_k (index clamped in range), or class em_k.
  wire [X_W-1:0] kx = {{(X_W-K_W){1'b0}}, em_k};
  wire [IDX_W-1:0] k_rank = (kx > LAST_ROUND) ? {IDX_W{1'b0}} : kx[IDX_W-1:0];
  wire [IDX_W-1:0] f_idx = (EMIT_ALL != 0) ? kx[IDX_W-1:0] : rank_idx_bus[k_rank*IDX_W +: IDX_W];
  wire f_last = (em_k == LAST_ENTRY);
  wire [LANE_W-1:0] lane = LANE_PORTS ? rd_lane : {LANE_W{1'b0}};
  wire signed [LOGIT_W-1:0] logit = (RD_FETCH != 0) ? z_rd_data_bus[lane*LOGIT_W +: LOGIT_W]
                                                    : rank_val_bus[k_rank*LOGIT_W +: LOGIT_W];
  wire unused_kx = &{1'b0, kx, f_idx_x};

  // Stage sources: what enters ex_* (split) and em_* when the pipeline advances.
  wire ex_in_v = (RD_FETCH != 0) ? rd_valid : fetch;
  wire [IDX_W-1:0] ex_in_idx = (RD_FETCH != 0) ? rd_idx : f_idx;
  wire ex_in_last = (RD_FETCH != 0) ? rd_last : f_last;
  wire em_in_v = SPLIT ? ex_valid : ex_in_v;
  wire [IDX_W-1:0] em_in_idx = SPLIT ? ex_idx : ex_in_idx;
  wire em_in_last = SPLIT ? ex_last : ex_in_last;
  assign em_load = adv && em_in_v;

  assign o_en1 = adv && ex_in_v;
  assign o_en2 = adv && ex_valid;
  assign o_z = logit;
  // read port: class em_k (its group with several lanes) or the ranked entry's class
  wire [X_W-1:0] f_idx_x = {{(X_W-IDX_W){1'b0}}, f_idx};
  assign o_rd_en = (RD_FETCH != 0) && fetch;
  assign o_rd_addr = (RD_FETCH == 0) ? {GRP_W{1'b0}} : LANE_PORTS ? em_grp : f_idx_x[GRP_W-1:0];

  wire [VAL_W-1:0] value;
  generate
    if (MODE == 0) begin : g_argmax
      assign value = {{(VAL_W-LOGIT_W){em_val[LOGIT_W-1]}}, em_val};
      wire unused_div = &{1'b0, div_ready, div_prob, em_e, sum_done};
    end else if (MODE == 2) begin : g_approx
      wire [PROB_W-1:0] score;
      approx_scaler #(
        .EXP_OUT_BITS(EXP_OUT_BITS), .PROB_W(PROB_W), .PROB_FRAC(PROB_FRAC),
        .SCALE_W(SCALE_W), .SCALE_FRAC(SCALE_FRAC), .SCALE_FILE(SCALE_FILE)
      ) approx_scaler (
        .e(em_e), .score(score)
      );
      assign value = {{(VAL_W-PROB_W){1'b0}}, score};
      wire unused_div = &{1'b0, div_ready, div_prob, em_val, sum_done};
    end else begin : g_softmax
      assign value = {{(VAL_W-PROB_W){1'b0}}, div_prob};
      wire unused_div = &{1'b0, div_ready, em_val, em_e};  // the divider takes em_e directly
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
      if (adv) begin
        em_full <= em_in_v;
        if (em_in_v) begin
          em_idx <= em_in_idx;
          em_last <= em_in_last;
        end
      end
      if (fetch) em_k <= em_k + 1'b1;
      else if (state == S_IDLE) em_k <= 0;
    end
  end

  // Stages that exist only in some configurations; their registers are constant zero otherwise.
  generate
    if (MODE == 0) begin : g_val
      always @(posedge clk) if (!rst && adv && em_in_v) em_val <= logit;
    end else begin : g_no_val
      always @(posedge clk) em_val <= {LOGIT_W{1'b0}};
    end
    if (SPLIT) begin : g_ex
      always @(posedge clk)
        if (rst) ex_valid <= 1'b0;
        else if (adv) begin
          ex_valid <= ex_in_v;
          if (ex_in_v) begin
            ex_idx <= ex_in_idx;
            ex_last <= ex_in_last;
          end
        end
    end else begin : g_no_ex
      always @(posedge clk) begin
        ex_valid <= 1'b0;
        ex_idx <= {IDX_W{1'b0}};
        ex_last <= 1'b0;
      end
    end
    if (RD_FETCH != 0) begin : g_rd
      always @(posedge clk)
        if (rst) rd_valid <= 1'b0;
        else if (adv) begin
          rd_valid <= fetch;
          if (fetch) begin
            rd_idx <= f_idx;
            rd_last <= f_last;
          end
        end
    end else begin : g_no_rd
      always @(posedge clk) begin
        rd_valid <= 1'b0;
        rd_idx <= {IDX_W{1'b0}};
        rd_last <= 1'b0;
      end
    end
    if (LANE_PORTS) begin : g_lanes
      // read-port group and lane of entry em_k (emit=all with several lanes per read)
      always @(posedge clk)
        if (rst) begin
          em_grp <= 0;
          em_lane <= 0;
        end else begin
          if (adv && fetch) rd_lane <= em_lane;
          if (fetch) begin
            em_lane <= (em_lane == LAST_LANE) ? {LANE_W{1'b0}} : em_lane + 1'b1;
            if (em_lane == LAST_LANE) em_grp <= em_grp + 1'b1;
          end else if (state == S_IDLE) begin
            em_grp <= 0;
            em_lane <= 0;
          end
        end
    end else begin : g_no_lanes
      always @(posedge clk) begin
        em_grp <= {GRP_W{1'b0}};
        em_lane <= {LANE_W{1'b0}};
        rd_lane <= {LANE_W{1'b0}};
      end
      wire unused_lanes = &{1'b0, em_grp, em_lane, LAST_LANE};
    end
  endgenerate
endmodule
