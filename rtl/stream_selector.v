// stream_selector (SELECT = 1): the running top-K of the vector being drained, kept in ROUNDS
// sorted registers (top_*: largest first, top_ok marks the filled ones), one entry inserted per
// cycle as the logit bank drains its group register (d_*). Entries arrive in class order, so an
// entry that ties a kept one ranks after it: ties go to the lower class index, as in the tree.
// At hold_load the ranking, with the entry of that edge, moves to rank_* (the back end reads
// those while the next vector's entries arrive) and top_* empties. Mirrors
// models/head/stream-selector.ts.
module stream_selector #(
  parameter integer ROUNDS = 3,
  parameter integer IDX_W = 4,
  parameter integer LOGIT_W = 16
) (
  input  wire                      clk,
  input  wire                      rst,
  input  wire                      d_valid,
  input  wire [IDX_W-1:0]          d_idx,
  input  wire signed [LOGIT_W-1:0] d_val,
  input  wire                      hold_load,
  output wire [ROUNDS*IDX_W-1:0]   rank_idx_bus,
  output wire [ROUNDS*LOGIT_W-1:0] rank_val_bus
);
  reg                      top_ok  [0:ROUNDS-1];
  reg [IDX_W-1:0]          top_idx [0:ROUNDS-1];
  reg signed [LOGIT_W-1:0] top_val [0:ROUNDS-1];
  reg [IDX_W-1:0]          rank_idx [0:ROUNDS-1];
  reg signed [LOGIT_W-1:0] rank_val [0:ROUNDS-1];

  // The entry beats slot r: the slot is empty or holds a strictly smaller value.
  wire [ROUNDS-1:0] beats;
  genvar r;
  generate
    for (r = 0; r < ROUNDS; r = r + 1) begin : g_slot
      assign beats[r] = !top_ok[r] || (d_val > top_val[r]);
      // Slot r after this edge's insertion: unchanged, the slot above shifted down, or the entry.
      wire take = d_valid && beats[r];
      wire shift;
      if (r == 0) begin : g_first
        assign shift = 1'b0;
      end else begin : g_rest
        assign shift = beats[r-1];
      end
      wire                      n_ok  = !take ? top_ok[r]  : shift ? top_ok[(r == 0) ? 0 : r-1]  : 1'b1;
      wire [IDX_W-1:0]          n_idx = !take ? top_idx[r] : shift ? top_idx[(r == 0) ? 0 : r-1] : d_idx;
      wire signed [LOGIT_W-1:0] n_val = !take ? top_val[r] : shift ? top_val[(r == 0) ? 0 : r-1] : d_val;

      always @(posedge clk) begin
        if (rst) top_ok[r] <= 1'b0;
        else if (hold_load) begin
          rank_idx[r] <= n_idx;
          rank_val[r] <= n_val;
          top_ok[r] <= 1'b0;
        end else if (d_valid) begin
          top_ok[r] <= n_ok;
          top_idx[r] <= n_idx;
          top_val[r] <= n_val;
        end
      end
      assign rank_idx_bus[r*IDX_W +: IDX_W] = rank_idx[r];
      assign rank_val_bus[r*LOGIT_W +: LOGIT_W] = rank_val[r];
    end
  endgenerate
endmodule
