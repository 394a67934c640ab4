// stream_rank: the ranking of the stream selector (select = stream), with the logits free. The
// environment plays the logit bank's drain: a vector's entries come in class order, one per
// d_valid, with any logits and any gaps (free); the ranking moves to rank_* at hold_load,
// either with the last entry (d_last && !z_hold_full) or later, with the drain stopped
// (z_work_full), as the logit bank does. In the cycle after hold_load, rank r must be the class
// with exactly r classes ahead of it: a larger logit, or the same logit and a lower index.
module stream_rank #(
  parameter integer CLASSES = 4,
  parameter integer ROUNDS = 2,
  parameter integer IDX_W = 2,
  parameter integer LOGIT_W = 16
) (
  input wire clk,
  input wire rst,
  input wire drain,                    // free: an entry drains (when the vector is not complete)
  input wire hold,                     // free: the held bank is free (hold_load may happen)
  input wire signed [LOGIT_W-1:0] d_val   // free: the entry's logit
);
  localparam integer C_W = $clog2(CLASSES + 1);
  localparam [31:0] LAST_32 = CLASSES - 1;
  localparam [IDX_W-1:0] LAST = LAST_32[IDX_W-1:0];

  reg [IDX_W-1:0] d_idx;
  reg parked;                          // the vector drained whole, not yet taken (z_work_full)
  wire d_valid = drain && !parked;
  wire d_last = d_valid && d_idx == LAST;
  wire hold_load = hold && (d_last || parked);
  wire [ROUNDS*IDX_W-1:0] rank_idx_bus;
  wire [ROUNDS*LOGIT_W-1:0] rank_val_bus;

  stream_selector #(.ROUNDS(ROUNDS), .IDX_W(IDX_W), .LOGIT_W(LOGIT_W)) dut (
    .clk(clk), .rst(rst), .d_valid(d_valid), .d_idx(d_idx), .d_val(d_val), .hold_load(hold_load),
    .rank_idx_bus(rank_idx_bus), .rank_val_bus(rank_val_bus));

  // the vector's logits as they drain, and whether the last ranking is to be checked
  reg signed [LOGIT_W-1:0] z [0:CLASSES-1];
  reg taken;
  always @(posedge clk)
    if (rst) begin
      d_idx <= 0;
      parked <= 1'b0;
      taken <= 1'b0;
    end else begin
      if (d_valid) begin
        z[d_idx] <= d_val;
        d_idx <= d_last ? {IDX_W{1'b0}} : d_idx + 1'b1;
      end
      parked <= (d_last && !hold_load) ? 1'b1 : hold_load ? 1'b0 : parked;
      taken <= hold_load;
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
      wire [CLASSES-1:0] before;
      for (a = 0; a < CLASSES; a = a + 1) begin : g_other
        assign before[a] = (z[a] > z[c]) || (z[a] == z[c] && a < c);
      end
      assign ahead[c] = ones(before);
    end
    for (r = 0; r < ROUNDS; r = r + 1) begin : g_rank
      wire [IDX_W-1:0] idx = rank_idx_bus[r*IDX_W +: IDX_W];
      wire signed [LOGIT_W-1:0] val = rank_val_bus[r*LOGIT_W +: LOGIT_W];
      wire [CLASSES-1:0] match;
      for (c = 0; c < CLASSES; c = c + 1) begin : g_is
        assign match[c] = idx == c && ahead[c] == r && val == z[c];
      end
      assign rank_ok[r] = |match;
    end
  endgenerate

  // ---- the property
  // After hold_load, rank r is the class with exactly r classes ahead of it (largest logit
  // first, ties to the lowest index), with its logit.
  wire p_rank = rst || !taken || &rank_ok;

  always @(*) assert(p_rank);
endmodule
