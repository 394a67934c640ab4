// normalizer (softmax only): the EXP pass (models/head/normalizer.ts). It starts in the cycle
// round 0 of the selection records the max (max_rec), overlapping the remaining rounds: EXP_GROUPS
// reads of the logit bank's port (exp_group = the group read at this edge when exp_issue), each
// through the exp unit's EXP_PAR lanes; the sum of the exps accumulates as they come out (e_valid)
// and sum_done marks it complete. Everything clears in IDLE. In argmax/approx mode nothing is
// built; the registers hold the model's constant zero.
module normalizer #(
  parameter integer MODE = 1,
  parameter integer EXP_PAR = 1,
  parameter integer EXP_GROUPS = 10,
  parameter integer GCNT_W = 4,
  parameter integer EXP_SPLIT = 1,
  parameter integer EXP_OUT_BITS = 16,
  parameter integer SUM_W = 20
) (
  input  wire                          clk,
  input  wire                          rst,
  input  wire [1:0]                    state,
  input  wire                          max_rec,
  input  wire [EXP_PAR*EXP_OUT_BITS-1:0] e_bus,
  output wire                          exp_issue,  // group exp_group is read at this edge
  output reg  [GCNT_W-1:0]             exp_group,
  output reg                           rd_valid,
  output reg                           rd_last,
  output reg                           t_valid,
  output reg  [SUM_W-1:0]              sum,
  output reg                           sum_done
);
  localparam [1:0] S_IDLE = 2'd0;
  localparam [31:0] N_GROUPS_32 = EXP_GROUPS;
  localparam [GCNT_W-1:0] N_GROUPS = N_GROUPS_32[GCNT_W-1:0];
  localparam [31:0] LAST_GROUP_32 = EXP_GROUPS - 1;
  localparam [GCNT_W-1:0] LAST_GROUP = LAST_GROUP_32[GCNT_W-1:0];

  reg t_last;
  reg e_valid;
  reg e_last;

  generate
    if (MODE == 1) begin : g_softmax
      assign exp_issue = (exp_group < N_GROUPS) && (exp_group != 0 || max_rec);

      // sum + the exps of one group (a chain of named wires); the model's sum is exact and fits SUM_W.
      genvar j;
      for (j = 0; j < EXP_PAR; j = j + 1) begin : g_add
        wire [SUM_W-1:0] s;
        wire [SUM_W-1:0] e = {{(SUM_W-EXP_OUT_BITS){1'b0}}, e_bus[j*EXP_OUT_BITS +: EXP_OUT_BITS]};
        if (j == 0) begin : g_head
          assign s = sum + e;
        end else begin : g_tail
          assign s = g_add[j-1].s + e;
        end
      end

      always @(posedge clk) begin
        if (rst || state == S_IDLE) begin
          exp_group <= 0;
          rd_valid <= 1'b0;
          t_valid <= 1'b0;
          e_valid <= 1'b0;
          sum <= 0;
          sum_done <= 1'b0;
        end else begin
          if (exp_issue) exp_group <= exp_group + 1'b1;
          rd_valid <= exp_issue;
          rd_last <= exp_issue && exp_group == LAST_GROUP;
          if (EXP_SPLIT != 0) begin
            t_valid <= rd_valid;
            t_last <= rd_last;
            e_valid <= t_valid;
            e_last <= t_last;
          end else begin
            t_valid <= 1'b0;
            t_last <= 1'b0;
            e_valid <= rd_valid;
            e_last <= rd_last;
          end
          if (e_valid) begin
            sum <= g_add[EXP_PAR-1].s;
            if (e_last) sum_done <= 1'b1;
          end
        end
      end
    end else begin : g_none
      assign exp_issue = 1'b0;
      always @(posedge clk) begin
        exp_group <= 0;
        rd_valid <= 1'b0;
        rd_last <= 1'b0;
        t_valid <= 1'b0;
        t_last <= 1'b0;
        e_valid <= 1'b0;
        e_last <= 1'b0;
        sum <= 0;
        sum_done <= 1'b0;
      end
      wire unused_inputs = &{1'b0, rst, state, max_rec, e_bus, t_last, e_valid, e_last};
    end
  endgenerate
endmodule
