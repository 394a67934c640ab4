// tree_rank: the ranking of the comparator tree (select = tree), with the logits free. The
// environment plays the head's part: z_hold takes any logits (load, free) and holds them while
// z_hold_full; the sequencer goes IDLE -> SELECT when z_hold_full, SELECT -> EMIT when the tree
// says sel_done, EMIT -> IDLE when the vector is done (free), which empties z_hold. In EMIT
// every rank is recorded, and rank r must be the class with exactly r classes ahead of it:
// a larger logit, or the same logit and a lower index (ties go to the lowest index).
module tree_rank #(
  parameter integer CLASSES = 4,
  parameter integer LEVELS = 2,
  parameter integer ROUNDS = 2,
  parameter integer IDX_W = 2,
  parameter integer LOGIT_W = 16
) (
  input wire clk,
  input wire rst,
  input wire load,                          // free: z_hold takes a vector (when empty)
  input wire done,                          // free: the vector is emitted (in EMIT)
  input wire [CLASSES*LOGIT_W-1:0] z_next   // free: the logits z_hold takes
);
  localparam [1:0] S_IDLE = 2'd0, S_SELECT = 2'd1, S_EMIT = 2'd3;
  localparam integer C_W = $clog2(CLASSES + 1);

  reg [1:0] state;
  reg z_hold_full;
  reg [CLASSES*LOGIT_W-1:0] z_hold_bus;
  wire sel_done, max_rec;
  wire [ROUNDS*IDX_W-1:0] rank_idx_bus;
  wire [ROUNDS*LOGIT_W-1:0] rank_val_bus;
  wire unused = &{1'b0, max_rec};

  comparator_tree #(.CLASSES(CLASSES), .LEVELS(LEVELS), .ROUNDS(ROUNDS), .IDX_W(IDX_W), .LOGIT_W(LOGIT_W)) dut (
    .clk(clk), .rst(rst), .state(state), .z_hold_bus(z_hold_bus), .z_hold_full(z_hold_full),
    .sel_done(sel_done), .max_rec(max_rec), .rank_idx_bus(rank_idx_bus), .rank_val_bus(rank_val_bus));

  always @(posedge clk)
    if (rst) begin
      state <= S_IDLE;
      z_hold_full <= 1'b0;
    end else begin
      if (!z_hold_full && load) begin
        z_hold_full <= 1'b1;
        z_hold_bus <= z_next;
      end
      case (state)
        S_IDLE: if (z_hold_full) state <= S_SELECT;
        S_SELECT: if (sel_done) state <= S_EMIT;
        default: if (done) begin
          state <= S_IDLE;
          z_hold_full <= 1'b0;
        end
      endcase
    end

  reg past_ok = 1'b0;
  always @(posedge clk) past_ok <= 1'b1;
  initial assume(rst);
  wire env_ok = past_ok || rst;
  always @(*) assume(env_ok);

  function [C_W-1:0] ones(input [CLASSES-1:0] bits);
    integer i;
    begin
      ones = 0;
      for (i = 0; i < CLASSES; i = i + 1) ones = ones + bits[i];
    end
  endfunction

  // ahead[c]: classes ranked before class c
  wire [C_W-1:0] ahead [0:CLASSES-1];
  wire [ROUNDS-1:0] rank_ok;
  genvar c, a, r;
  generate
    for (c = 0; c < CLASSES; c = c + 1) begin : g_class
      wire signed [LOGIT_W-1:0] zc = z_hold_bus[c*LOGIT_W +: LOGIT_W];
      wire [CLASSES-1:0] before;
      for (a = 0; a < CLASSES; a = a + 1) begin : g_other
        wire signed [LOGIT_W-1:0] za = z_hold_bus[a*LOGIT_W +: LOGIT_W];
        assign before[a] = (za > zc) || (za == zc && a < c);
      end
      assign ahead[c] = ones(before);
    end
    // rank r holds the class with r classes ahead of it, and its logit
    for (r = 0; r < ROUNDS; r = r + 1) begin : g_rank
      wire [IDX_W-1:0] idx = rank_idx_bus[r*IDX_W +: IDX_W];
      wire signed [LOGIT_W-1:0] val = rank_val_bus[r*LOGIT_W +: LOGIT_W];
      wire [CLASSES-1:0] match;
      for (c = 0; c < CLASSES; c = c + 1) begin : g_is
        assign match[c] = idx == c && ahead[c] == r && val == z_hold_bus[c*LOGIT_W +: LOGIT_W];
      end
      assign rank_ok[r] = |match;
    end
  endgenerate

  // ---- the property
  // In EMIT, rank r is the class with exactly r classes ahead of it (largest logit first, ties
  // to the lowest index), with its logit.
  wire p_rank = rst || state != S_EMIT || &rank_ok;

  always @(*) assert(p_rank);
endmodule
