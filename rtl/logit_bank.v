// logit_bank: F3 adds the aligned bias and requantizes each finished dot product (round half
// up, saturate). SELECT = 0 (tree): into z_work; a full z_work moves to z_hold, which the back
// end reads, as soon as z_hold is free; the front end stalls only when a pass ends while both
// banks are full. SELECT = 1 (stream): into the group register grp, drained one entry per cycle
// (d_*) into the stream selector and the RAM (two banks: wb, being written, and !wb, held); the
// front end stalls while grp is still draining. RD_PORT: a synchronous read port (z_rd_en,
// z_rd_addr -> z_rd_data one cycle later, RD_LANES logits of group z_rd_addr, 0 past CLASSES):
// a registered mux of z_hold (tree) or the RAM (stream). Mirrors models/head/logit-bank.ts.
module logit_bank #(
  parameter integer CLASSES = 10,
  parameter integer CPAR = 10,
  parameter integer PASSES = 1,
  parameter integer ACC_W = 41,
  parameter integer BIAS_W = 16,
  parameter integer LOGIT_W = 16,
  parameter integer BIAS_SHIFT = 12,
  parameter integer REQUANT_SHIFT = 14,
  parameter integer RD_PORT = 1,
  parameter integer RD_LANES = 1,
  parameter integer GRP_W = 4,
  parameter integer SELECT = 0,
  parameter integer ROWS_LAST = 10,
  parameter integer IDX_W = 4,
  parameter integer RAM_BLOCK = 0,     // stream: the RAM in block RAM (else distributed)
  parameter BIAS_FILE = "bias.hex",
  parameter integer PASS_W = (PASSES - 1 < 1) ? 1 : $clog2(PASSES)
) (
  input  wire                       clk,
  input  wire                       rst,
  input  wire                       a_valid,
  input  wire [PASS_W-1:0]          a_group,
  input  wire [CPAR*ACC_W-1:0]      acc_bus,
  input  wire                       vector_done,  // the back end has emitted z_hold
  output wire                       stall,
  output wire [CLASSES*LOGIT_W-1:0] z_hold_bus,
  output reg                        z_hold_full,
  input  wire                       z_rd_en,
  input  wire [GRP_W-1:0]           z_rd_addr,
  output wire [RD_LANES*LOGIT_W-1:0] z_rd_data_bus,
  // stream: the entry that drains at this edge, and the edge its vector becomes the held one
  output wire                       d_valid,
  output reg  [IDX_W-1:0]           d_idx,
  output wire signed [LOGIT_W-1:0]  d_val,
  output wire                       hold_load
);
  // v = acc + (bias << BIAS_SHIFT) needs max(ACC_W, BIAS_W+BIAS_SHIFT)+1 bits; one more for
  // the rounding, and room for a left shift when REQUANT_SHIFT < 0.
  localparam integer LSH = (REQUANT_SHIFT < 0) ? -REQUANT_SHIFT : 0;
  localparam integer RSH = (REQUANT_SHIFT > 0) ? REQUANT_SHIFT : 0;
  localparam integer BA_W = BIAS_W + BIAS_SHIFT;
  localparam integer V_W = ((ACC_W > BA_W) ? ACC_W : BA_W) + 2 + LSH;
  localparam [31:0] LAST_PASS_32 = PASSES - 1;
  localparam [PASS_W-1:0] LAST_PASS = LAST_PASS_32[PASS_W-1:0];

  /* verilator tracing_off */  // memories and their loaders are not traced (the model has none)
  reg [BIAS_W-1:0] bias [0:CLASSES-1];
  initial begin : load
`ifndef SYNTHESIS
    reg [8*1024-1:0] path;
    if ($value$plusargs("bias=%s", path)) $readmemh(path, bias);
    else $readmemh(BIAS_FILE, bias);
`else
    $readmemh(BIAS_FILE, bias);
`endif
  end
  /* verilator tracing_on */

  reg z_work_full;
  wire write = a_valid && !stall;

  // Requantized value of row c of the current group.
  wire signed [LOGIT_W-1:0] zq [0:CPAR-1];
  genvar c, n, j, ga;
  generate
    for (c = 0; c < CPAR; c = c + 1) begin : g_row
      localparam integer GX_W = PASS_W + IDX_W + 1;
      localparam [31:0] CPAR_X_32 = CPAR;
      localparam [GX_W-1:0] CPAR_X = CPAR_X_32[GX_W-1:0];
      localparam [31:0] C_X_32 = c;
      localparam [GX_W-1:0] C_X = C_X_32[GX_W-1:0];
      localparam [31:0] LAST_N_32 = CLASSES - 1;
      localparam [GX_W-1:0] LAST_N = LAST_N_32[GX_W-1:0];
      wire [GX_W-1:0] nx = {{(GX_W-PASS_W){1'b0}}, a_group} * CPAR_X + C_X;
      // Rows past CLASSES (last group) are never written; read a valid entry for them.
      wire [IDX_W-1:0] bidx = (nx > LAST_N) ? {IDX_W{1'b0}} : nx[IDX_W-1:0];
      wire [BIAS_W-1:0] b = bias[bidx];
      wire signed [ACC_W-1:0] a = acc_bus[c*ACC_W +: ACC_W];
      wire signed [V_W-1:0] ae = {{(V_W-ACC_W){a[ACC_W-1]}}, a};
      wire signed [V_W-1:0] be = {{(V_W-BIAS_W){b[BIAS_W-1]}}, b};
      wire signed [V_W-1:0] v = ae + (be <<< BIAS_SHIFT);
      // roundShift(v, s) = ((v << 1 >>> s) + 1) >>> 1 for s >= 0; v << -s for s < 0.
      wire signed [V_W:0] y = ($signed({v, 1'b0}) <<< LSH) >>> RSH;
      wire signed [V_W:0] y1 = y + {{V_W{1'b0}}, 1'b1};
      wire signed [V_W:0] r = y1 >>> 1;
      wire fits = (r[V_W:LOGIT_W-1] == {(V_W-LOGIT_W+2){r[V_W]}});
      assign zq[c] = fits ? r[LOGIT_W-1:0]
                   : r[V_W] ? {1'b1, {(LOGIT_W-1){1'b0}}} : {1'b0, {(LOGIT_W-1){1'b1}}};
    end

  endgenerate

  // Every register the model has, at module level (the model's names); the branch of the other
  // SELECT drives its ones with zeros. tree: z_work, z_hold (the back end's bank) and the read
  // port's registers. stream: the group register, its drain position, the RAM's write position.
  localparam integer ZN = (SELECT == 0) ? CLASSES : 1;
  localparam integer GN = (SELECT != 0) ? CPAR : 1;
  localparam integer ROWS_W = $clog2(CPAR + 1);                   // bitsFor(cPar)
  localparam integer POS_W = (CPAR - 1 < 1) ? 1 : $clog2(CPAR);   // bitsFor(cPar - 1)
  localparam integer LANE_W = (RD_LANES - 1 < 1) ? 1 : $clog2(RD_LANES);
  reg signed [LOGIT_W-1:0] z_work [0:ZN-1];
  reg signed [LOGIT_W-1:0] z_hold [0:ZN-1];
  reg signed [LOGIT_W-1:0] z_rd_data [0:RD_LANES-1];
  reg signed [LOGIT_W-1:0] grp [0:GN-1];
  reg [ROWS_W-1:0]         grp_rows;
  reg [POS_W-1:0]          grp_pos;
  reg                      wb;
  reg [LANE_W-1:0]         wr_lane;
  reg [GRP_W-1:0]          wr_addr;
  wire                     d_last;   // stream: the entry draining is the vector's last
  generate
    for (j = 0; j < RD_LANES; j = j + 1) begin : g_rd_bus
      assign z_rd_data_bus[j*LOGIT_W +: LOGIT_W] = z_rd_data[j];
    end
  endgenerate

  generate
    if (SELECT == 0) begin : g_tree
      assign stall = a_valid && z_work_full && z_hold_full;
      wire transfer = z_work_full && !z_hold_full;
      wire complete = write && (a_group == LAST_PASS);
      for (n = 0; n < CLASSES; n = n + 1) begin : g_class
        localparam [31:0] GROUP_32 = n / CPAR;
        localparam [PASS_W-1:0] GROUP = GROUP_32[PASS_W-1:0];
        always @(posedge clk) begin
          if (!rst && transfer) z_hold[n] <= z_work[n];
          if (!rst && write && a_group == GROUP) z_work[n] <= zq[n % CPAR];
        end
        assign z_hold_bus[n*LOGIT_W +: LOGIT_W] = z_hold[n];
      end

      // Read port: lane j of group a is class a*RD_LANES + j; a constant-select mux per lane (the
      // group count is ceil(CLASSES / RD_LANES); lanes past CLASSES read 0).
      if (RD_PORT != 0) begin : g_rd
        localparam integer GROUPS = (CLASSES + RD_LANES - 1) / RD_LANES;
        for (j = 0; j < RD_LANES; j = j + 1) begin : g_lane
          /* verilator tracing_off */
          wire [LOGIT_W-1:0] cand [0:(1 << GRP_W)-1];
          for (ga = 0; ga < (1 << GRP_W); ga = ga + 1) begin : g_cand
            if (ga < GROUPS && ga * RD_LANES + j < CLASSES) begin : g_live
              assign cand[ga] = z_hold_bus[(ga*RD_LANES + j)*LOGIT_W +: LOGIT_W];
            end else begin : g_past
              assign cand[ga] = {LOGIT_W{1'b0}};
            end
          end
          /* verilator tracing_on */
          always @(posedge clk)
            if (z_rd_en) z_rd_data[j] <= cand[z_rd_addr];
        end
      end else begin : g_no_rd
        for (j = 0; j < RD_LANES; j = j + 1) begin : g_lane
          always @(posedge clk) z_rd_data[j] <= {LOGIT_W{1'b0}};
        end
        wire unused_rd = &{1'b0, z_rd_en, z_rd_addr};
      end

      assign d_valid = 1'b0;
      assign d_last = 1'b0;
      assign d_val = {LOGIT_W{1'b0}};
      assign hold_load = 1'b0;
      always @(posedge clk) begin
        if (rst) begin
          z_work_full <= 1'b0;
          z_hold_full <= 1'b0;
        end else begin
          z_work_full <= complete ? 1'b1 : transfer ? 1'b0 : z_work_full;
          z_hold_full <= transfer ? 1'b1 : vector_done ? 1'b0 : z_hold_full;
        end
        grp[0] <= {LOGIT_W{1'b0}};
        grp_rows <= {ROWS_W{1'b0}};
        grp_pos <= {POS_W{1'b0}};
        d_idx <= {IDX_W{1'b0}};
        wb <= 1'b0;
        wr_lane <= {LANE_W{1'b0}};
        wr_addr <= {GRP_W{1'b0}};
      end
      wire unused_stream = &{1'b0, grp[0], grp_rows, grp_pos, wb, wr_lane, wr_addr, d_last};
    end else begin : g_stream
      localparam [31:0] LAST_IDX_32 = CLASSES - 1;
      localparam [IDX_W-1:0] LAST_IDX = LAST_IDX_32[IDX_W-1:0];
      localparam [31:0] ROWS_LAST_32 = ROWS_LAST;
      localparam [31:0] CPAR_32 = CPAR;
      wire drain = (grp_rows != {ROWS_W{1'b0}}) && !z_work_full;
      assign d_last = drain && (d_idx == LAST_IDX);
      // grp takes the next group once its last row drains at this edge
      wire free = (grp_rows == {ROWS_W{1'b0}}) || (grp_rows == {{(ROWS_W-1){1'b0}}, 1'b1} && drain);
      wire [ROWS_W-1:0] rows = (a_group == LAST_PASS) ? ROWS_LAST_32[ROWS_W-1:0] : CPAR_32[ROWS_W-1:0];
      assign stall = a_valid && !free;
      assign d_valid = drain;
      assign d_val = grp[grp_pos];
      assign hold_load = !z_hold_full && (d_last || z_work_full);
      for (n = 0; n < CLASSES; n = n + 1) begin : g_no_hold
        assign z_hold_bus[n*LOGIT_W +: LOGIT_W] = {LOGIT_W{1'b0}};
      end

      for (n = 0; n < CPAR; n = n + 1) begin : g_grp
        // rows past CLASSES (last group) are not loaded, as in the model
        always @(posedge clk)
          if (!rst && write && (a_group != LAST_PASS || n < ROWS_LAST)) grp[n] <= zq[n];
      end

      always @(posedge clk) begin
        if (rst) begin
          z_work_full <= 1'b0;
          z_hold_full <= 1'b0;
          grp_rows <= {ROWS_W{1'b0}};
          grp_pos <= {POS_W{1'b0}};
          d_idx <= {IDX_W{1'b0}};
        end else begin
          if (drain) begin
            d_idx <= d_last ? {IDX_W{1'b0}} : d_idx + 1'b1;
            grp_pos <= grp_pos + 1'b1;
            grp_rows <= grp_rows - 1'b1;
          end
          if (write) begin
            grp_rows <= rows;
            grp_pos <= {POS_W{1'b0}};
          end
          z_work_full <= (d_last && !hold_load) ? 1'b1 : hold_load ? 1'b0 : z_work_full;
          z_hold_full <= hold_load ? 1'b1 : vector_done ? 1'b0 : z_hold_full;
        end
        z_work[0] <= {LOGIT_W{1'b0}};
        z_hold[0] <= {LOGIT_W{1'b0}};
      end

      // The RAM: lane j holds classes n = j (mod RD_LANES) at {bank, n / RD_LANES}; the drain
      // writes bank wb in class order (wr_lane, wr_addr), the read port reads bank !wb.
      if (RD_PORT != 0) begin : g_ram
        localparam [31:0] LAST_LANE_32 = RD_LANES - 1;
        localparam [LANE_W-1:0] LAST_LANE = LAST_LANE_32[LANE_W-1:0];
        always @(posedge clk) begin
          if (rst) begin
            wb <= 1'b0;
            wr_lane <= {LANE_W{1'b0}};
            wr_addr <= {GRP_W{1'b0}};
          end else begin
            if (drain) begin
              wr_lane <= (d_last || wr_lane == LAST_LANE) ? {LANE_W{1'b0}} : wr_lane + 1'b1;
              wr_addr <= d_last ? {GRP_W{1'b0}} : (wr_lane == LAST_LANE) ? wr_addr + 1'b1 : wr_addr;
            end
            if (hold_load) wb <= !wb;
          end
        end
        for (j = 0; j < RD_LANES; j = j + 1) begin : g_lane
          localparam [31:0] J_32 = j;
          wire we = !rst && drain && (wr_lane == J_32[LANE_W-1:0]);
          wire [GRP_W:0] wa = {wb, wr_addr};
          wire [GRP_W:0] ra = {!wb, z_rd_addr};
          // lanes past CLASSES read 0 (their words are never written)
          wire live = ({{(32-GRP_W){1'b0}}, z_rd_addr} * RD_LANES + j) < CLASSES;
          reg [LOGIT_W-1:0] rd_q;
          reg               rd_live;
          if (RAM_BLOCK != 0) begin : g_block
            /* verilator tracing_off */
            (* ram_style = "block" *) reg [LOGIT_W-1:0] ram [0:(2 << GRP_W)-1];
            /* verilator tracing_on */
            always @(posedge clk) begin
              if (we) ram[wa] <= d_val;
              if (z_rd_en) rd_q <= ram[ra];
            end
          end else begin : g_dist
            /* verilator tracing_off */
            (* ram_style = "distributed" *) reg [LOGIT_W-1:0] ram [0:(2 << GRP_W)-1];
            /* verilator tracing_on */
            always @(posedge clk) begin
              if (we) ram[wa] <= d_val;
              if (z_rd_en) rd_q <= ram[ra];
            end
          end
          always @(posedge clk) if (z_rd_en) rd_live <= live;
          always @* z_rd_data[j] = rd_live ? rd_q : {LOGIT_W{1'b0}};
        end
      end else begin : g_no_ram
        always @(posedge clk) begin
          wb <= 1'b0;
          wr_lane <= {LANE_W{1'b0}};
          wr_addr <= {GRP_W{1'b0}};
        end
        for (j = 0; j < RD_LANES; j = j + 1) begin : g_lane
          always @(posedge clk) z_rd_data[j] <= {LOGIT_W{1'b0}};
        end
        wire unused_rd = &{1'b0, z_rd_en, z_rd_addr, wb, wr_lane, wr_addr};
      end
      wire unused_tree = &{1'b0, z_work[0], z_hold[0]};
    end
  endgenerate
endmodule
