// comparator_tree: a pipelined max tree over z_hold, one registered level per pair-wise compare
// (LEVELS = clog2(CLASSES)), ties to the lower index. Top-K runs ROUNDS rounds: wait LEVELS+1
// cycles for the tree to settle on the current mask, record the winner, mask it.
// Levels run freely every cycle (also in reset); only the round controller decides when to look.
// Each level has its own arrays lvlJ_idx/val/ok (the model's names); CLASSES <= 1024 gives at
// most 10 levels, and levels past LEVELS are single constant-zero entries.
module comparator_tree #(
  parameter integer CLASSES = 10,
  parameter integer LEVELS = 4,
  parameter integer ROUNDS = 3,
  parameter integer IDX_W = 4,
  parameter integer LOGIT_W = 16
) (
  input  wire                       clk,
  input  wire                       rst,
  input  wire [1:0]                 state,
  input  wire [CLASSES*LOGIT_W-1:0] z_hold_bus,
  input  wire                       z_hold_full,
  output wire                       sel_done,   // the last round's winner is recorded at this edge
  output wire                       max_rec,    // round 0's winner (the max) is recorded at this edge
  output wire [ROUNDS*IDX_W-1:0]    rank_idx_bus,
  output wire [ROUNDS*LOGIT_W-1:0]  rank_val_bus
);
  localparam [1:0] S_IDLE = 2'd0, S_SELECT = 2'd1;
  localparam integer CNT_W = $clog2(LEVELS + 1);
  localparam integer ROUND_W = $clog2(ROUNDS + 1);
  localparam integer RI_W = (ROUNDS < 2) ? 1 : $clog2(ROUNDS);  // index of rank_*
  localparam [31:0] LAST_CNT_32 = LEVELS;
  localparam [CNT_W-1:0] LAST_CNT = LAST_CNT_32[CNT_W-1:0];
  localparam [31:0] LAST_ROUND_32 = ROUNDS - 1;
  localparam [ROUND_W-1:0] LAST_ROUND = LAST_ROUND_32[ROUND_W-1:0];

  // Entries of level J: ceil(CLASSES / 2^J).
`define HEADSIM_CT_SZ(J) ((J) <= LEVELS ? (CLASSES + (1 << (J)) - 1) >> (J) : 1)
  localparam integer SZ1 = `HEADSIM_CT_SZ(1), SZ2 = `HEADSIM_CT_SZ(2), SZ3 = `HEADSIM_CT_SZ(3);
  localparam integer SZ4 = `HEADSIM_CT_SZ(4), SZ5 = `HEADSIM_CT_SZ(5), SZ6 = `HEADSIM_CT_SZ(6);
  localparam integer SZ7 = `HEADSIM_CT_SZ(7), SZ8 = `HEADSIM_CT_SZ(8), SZ9 = `HEADSIM_CT_SZ(9);
  localparam integer SZ10 = `HEADSIM_CT_SZ(10);
`undef HEADSIM_CT_SZ

  reg [IDX_W-1:0] lvl1_idx [0:SZ1-1];  reg signed [LOGIT_W-1:0] lvl1_val [0:SZ1-1];  reg lvl1_ok [0:SZ1-1];
  reg [IDX_W-1:0] lvl2_idx [0:SZ2-1];  reg signed [LOGIT_W-1:0] lvl2_val [0:SZ2-1];  reg lvl2_ok [0:SZ2-1];
  reg [IDX_W-1:0] lvl3_idx [0:SZ3-1];  reg signed [LOGIT_W-1:0] lvl3_val [0:SZ3-1];  reg lvl3_ok [0:SZ3-1];
  reg [IDX_W-1:0] lvl4_idx [0:SZ4-1];  reg signed [LOGIT_W-1:0] lvl4_val [0:SZ4-1];  reg lvl4_ok [0:SZ4-1];
  reg [IDX_W-1:0] lvl5_idx [0:SZ5-1];  reg signed [LOGIT_W-1:0] lvl5_val [0:SZ5-1];  reg lvl5_ok [0:SZ5-1];
  reg [IDX_W-1:0] lvl6_idx [0:SZ6-1];  reg signed [LOGIT_W-1:0] lvl6_val [0:SZ6-1];  reg lvl6_ok [0:SZ6-1];
  reg [IDX_W-1:0] lvl7_idx [0:SZ7-1];  reg signed [LOGIT_W-1:0] lvl7_val [0:SZ7-1];  reg lvl7_ok [0:SZ7-1];
  reg [IDX_W-1:0] lvl8_idx [0:SZ8-1];  reg signed [LOGIT_W-1:0] lvl8_val [0:SZ8-1];  reg lvl8_ok [0:SZ8-1];
  reg [IDX_W-1:0] lvl9_idx [0:SZ9-1];  reg signed [LOGIT_W-1:0] lvl9_val [0:SZ9-1];  reg lvl9_ok [0:SZ9-1];
  reg [IDX_W-1:0] lvl10_idx [0:SZ10-1]; reg signed [LOGIT_W-1:0] lvl10_val [0:SZ10-1]; reg lvl10_ok [0:SZ10-1];

  reg                      mask [0:CLASSES-1];
  reg [CNT_W-1:0]          sel_count;
  reg [ROUND_W-1:0]        round;
  reg [IDX_W-1:0]          rank_idx [0:ROUNDS-1];
  reg signed [LOGIT_W-1:0] rank_val [0:ROUNDS-1];

  genvar i;
  generate
    // Level 1 compares z_hold pairs; a masked entry loses unless both are masked.
    for (i = 0; i < SZ1; i = i + 1) begin : g_lvl1
      localparam [31:0] A_32 = 2 * i;
      localparam [IDX_W-1:0] A = A_32[IDX_W-1:0];
      wire signed [LOGIT_W-1:0] av = z_hold_bus[(2*i)*LOGIT_W +: LOGIT_W];
      wire ao = !mask[2*i];
      if (2 * i + 1 < CLASSES) begin : g_pair
        localparam [31:0] B_32 = 2 * i + 1;
        localparam [IDX_W-1:0] B = B_32[IDX_W-1:0];
        wire signed [LOGIT_W-1:0] bv = z_hold_bus[(2*i+1)*LOGIT_W +: LOGIT_W];
        wire bo = !mask[2*i+1];
        wire take_a = (ao && (!bo || av >= bv)) || (!ao && !bo);
        always @(posedge clk) begin
          lvl1_idx[i] <= take_a ? A : B;
          lvl1_val[i] <= take_a ? av : bv;
          lvl1_ok[i] <= take_a ? ao : bo;
        end
      end else begin : g_single
        always @(posedge clk) begin
          lvl1_idx[i] <= A;
          lvl1_val[i] <= av;
          lvl1_ok[i] <= ao;
        end
      end
    end

    // Levels 2..10: the same compare on the previous level's entries.
`define HEADSIM_CT_LEVEL(J, SZ, PSZ, P_IDX, P_VAL, P_OK, IDX, VAL, OK, G_ON, G_OFF) \
    if ((J) <= LEVELS) begin : G_ON \
      for (i = 0; i < SZ; i = i + 1) begin : g_node \
        if (2 * i + 1 < PSZ) begin : g_pair \
          wire take_a = (P_OK[2*i] && (!P_OK[2*i+1] || P_VAL[2*i] >= P_VAL[2*i+1])) \
                        || (!P_OK[2*i] && !P_OK[2*i+1]); \
          always @(posedge clk) begin \
            IDX[i] <= take_a ? P_IDX[2*i] : P_IDX[2*i+1]; \
            VAL[i] <= take_a ? P_VAL[2*i] : P_VAL[2*i+1]; \
            OK[i] <= take_a ? P_OK[2*i] : P_OK[2*i+1]; \
          end \
        end else begin : g_single \
          always @(posedge clk) begin \
            IDX[i] <= P_IDX[2*i]; \
            VAL[i] <= P_VAL[2*i]; \
            OK[i] <= P_OK[2*i]; \
          end \
        end \
      end \
    end else begin : G_OFF \
      always @(posedge clk) begin \
        IDX[0] <= {IDX_W{1'b0}}; \
        VAL[0] <= {LOGIT_W{1'b0}}; \
        OK[0] <= 1'b0; \
      end \
    end
    `HEADSIM_CT_LEVEL(2, SZ2, SZ1, lvl1_idx, lvl1_val, lvl1_ok, lvl2_idx, lvl2_val, lvl2_ok, g_lvl2, g_no_lvl2)
    `HEADSIM_CT_LEVEL(3, SZ3, SZ2, lvl2_idx, lvl2_val, lvl2_ok, lvl3_idx, lvl3_val, lvl3_ok, g_lvl3, g_no_lvl3)
    `HEADSIM_CT_LEVEL(4, SZ4, SZ3, lvl3_idx, lvl3_val, lvl3_ok, lvl4_idx, lvl4_val, lvl4_ok, g_lvl4, g_no_lvl4)
    `HEADSIM_CT_LEVEL(5, SZ5, SZ4, lvl4_idx, lvl4_val, lvl4_ok, lvl5_idx, lvl5_val, lvl5_ok, g_lvl5, g_no_lvl5)
    `HEADSIM_CT_LEVEL(6, SZ6, SZ5, lvl5_idx, lvl5_val, lvl5_ok, lvl6_idx, lvl6_val, lvl6_ok, g_lvl6, g_no_lvl6)
    `HEADSIM_CT_LEVEL(7, SZ7, SZ6, lvl6_idx, lvl6_val, lvl6_ok, lvl7_idx, lvl7_val, lvl7_ok, g_lvl7, g_no_lvl7)
    `HEADSIM_CT_LEVEL(8, SZ8, SZ7, lvl7_idx, lvl7_val, lvl7_ok, lvl8_idx, lvl8_val, lvl8_ok, g_lvl8, g_no_lvl8)
    `HEADSIM_CT_LEVEL(9, SZ9, SZ8, lvl8_idx, lvl8_val, lvl8_ok, lvl9_idx, lvl9_val, lvl9_ok, g_lvl9, g_no_lvl9)
    `HEADSIM_CT_LEVEL(10, SZ10, SZ9, lvl9_idx, lvl9_val, lvl9_ok, lvl10_idx, lvl10_val, lvl10_ok, g_lvl10, g_no_lvl10)
`undef HEADSIM_CT_LEVEL
  endgenerate

  // The winner: entry 0 of level LEVELS.
  wire [IDX_W-1:0] top_idx =
      LEVELS == 1 ? lvl1_idx[0] : LEVELS == 2 ? lvl2_idx[0] : LEVELS == 3 ? lvl3_idx[0] :
      LEVELS == 4 ? lvl4_idx[0] : LEVELS == 5 ? lvl5_idx[0] : LEVELS == 6 ? lvl6_idx[0] :
      LEVELS == 7 ? lvl7_idx[0] : LEVELS == 8 ? lvl8_idx[0] : LEVELS == 9 ? lvl9_idx[0] : lvl10_idx[0];
  wire signed [LOGIT_W-1:0] top_val =
      LEVELS == 1 ? lvl1_val[0] : LEVELS == 2 ? lvl2_val[0] : LEVELS == 3 ? lvl3_val[0] :
      LEVELS == 4 ? lvl4_val[0] : LEVELS == 5 ? lvl5_val[0] : LEVELS == 6 ? lvl6_val[0] :
      LEVELS == 7 ? lvl7_val[0] : LEVELS == 8 ? lvl8_val[0] : LEVELS == 9 ? lvl9_val[0] : lvl10_val[0];
  // ok of the top entry and the unused levels' ok bits matter to no one.
  wire unused_ok = &{1'b0, lvl1_ok[0], lvl2_ok[0], lvl3_ok[0], lvl4_ok[0], lvl5_ok[0], lvl6_ok[0],
                     lvl7_ok[0], lvl8_ok[0], lvl9_ok[0], lvl10_ok[0]};

  assign sel_done = (state == S_SELECT) && (sel_count == LAST_CNT) && (round == LAST_ROUND);
  assign max_rec = (state == S_SELECT) && (sel_count == LAST_CNT) && (round == 0);

  wire record = (state == S_SELECT) && (sel_count == LAST_CNT);  // a round's winner is taken

  always @(posedge clk) begin
    if (rst) begin
      sel_count <= 0;
      round <= 0;
    end else if (state == S_IDLE && z_hold_full) begin
      sel_count <= 0;
      round <= 0;
    end else if (record) begin
      rank_idx[round[RI_W-1:0]] <= top_idx;
      rank_val[round[RI_W-1:0]] <= top_val;
      sel_count <= 0;
      round <= round + 1'b1;
    end else if (state == S_SELECT) sel_count <= sel_count + 1'b1;
  end

  // mask: cleared when a vector starts, the winner's bit set at each round.
  genvar n;
  generate
    for (n = 0; n < CLASSES; n = n + 1) begin : g_mask
      localparam [31:0] N_32 = n;
      localparam [IDX_W-1:0] N = N_32[IDX_W-1:0];
      always @(posedge clk)
        if (!rst) begin
          if (state == S_IDLE && z_hold_full) mask[n] <= 1'b0;
          else if (record && top_idx == N) mask[n] <= 1'b1;
        end
    end
  endgenerate

  genvar r;
  generate
    for (r = 0; r < ROUNDS; r = r + 1) begin : g_rank
      assign rank_idx_bus[r*IDX_W +: IDX_W] = rank_idx[r];
      assign rank_val_bus[r*LOGIT_W +: LOGIT_W] = rank_val[r];
    end
  endgenerate
endmodule
