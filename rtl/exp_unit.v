// exp_unit: the head's one exp unit (models/head/exp-unit.ts), EXP_PAR lanes in softmax, one in
// approx, none in argmax. Lane j: d = base - z (base = the max in softmax, 0 in approx), index =
// d >> EXP_SHIFT clamped (exp_lut's rule); EXP_SPLIT = 0: e_q = EXP[index] (exp_lut, a synchronous
// ROM read, one stage); EXP_SPLIT = 1: hi_q = EXP_HI[index >> EXP_LO_BITS], lo_q = EXP_LO[index
// low bits] (LUT ROMs, stage 1), e_q = (hi_q * lo_q + half) >> EXP_SPLIT_SHIFT (one multiplier,
// stage 2). The normalizer drives every lane (n_*, rd_data) during its EXP pass; once `own`
// (softmax: the sum is done) lane 0 takes the output stage's inputs (o_*). Past-CLASSES lanes of
// the last group load 0.
module exp_unit #(
  parameter integer MODE = 1,
  parameter integer CLASSES = 10,
  parameter integer EXP_PAR = 1,
  parameter integer EXP_GROUPS = 10,
  parameter integer LOGIT_W = 16,
  parameter integer EXP_SPLIT = 1,
  parameter integer EXP_ADDR_BITS = 12,
  parameter integer EXP_OUT_BITS = 16,
  parameter integer EXP_SHIFT = 0,
  parameter integer EXP_LO_BITS = 6,
  parameter integer EXP_HI_W = 16,
  parameter integer EXP_LO_W = 9,
  parameter integer EXP_SPLIT_SHIFT = 9,
  parameter EXP_FILE = "exp.hex",
  parameter EXP_HI_FILE = "exp_hi.hex",
  parameter EXP_LO_FILE = "exp_lo.hex"
) (
  input  wire                         clk,
  input  wire signed [LOGIT_W-1:0]    base,
  input  wire [EXP_PAR*LOGIT_W-1:0]   rd_data_bus,
  input  wire                         n_en1,   // normalizer: read data valid (load stage 1)
  input  wire                         n_en2,   // normalizer: stage 1 valid (load stage 2)
  input  wire                         n_last,  // normalizer: the read data is the last group
  input  wire                         own,     // lane 0 belongs to the output stage
  input  wire                         o_en1,
  input  wire                         o_en2,
  input  wire signed [LOGIT_W-1:0]    o_z,
  output wire [EXP_PAR*EXP_OUT_BITS-1:0] e_bus
);
  localparam integer LANES = (MODE == 0) ? 0 : EXP_PAR;
  localparam integer HI_BITS = EXP_ADDR_BITS - EXP_LO_BITS;
  localparam integer FIRST_PAST = CLASSES - (EXP_GROUPS - 1) * EXP_PAR;
  localparam integer LSH = (EXP_SHIFT < 0) ? -EXP_SHIFT : 0;
  localparam integer RSH = (EXP_SHIFT > 0) ? EXP_SHIFT : 0;
  localparam integer D_W = LOGIT_W + 1;
  localparam integer M_W = ((D_W + LSH > EXP_ADDR_BITS) ? D_W + LSH : EXP_ADDR_BITS) + 1;
  localparam integer P_W = EXP_HI_W + EXP_LO_W;
  // e = hi * lo >> SHIFT rounded needs a saturation only when both tables are wider than EXP_OUT_BITS + 1.
  localparam integer SAT = (EXP_HI_W > EXP_OUT_BITS + 1 && EXP_LO_W > EXP_OUT_BITS + 1) ? 1 : 0;

  reg [EXP_HI_W-1:0]     hi_q [0:EXP_PAR-1];
  reg [EXP_LO_W-1:0]     lo_q [0:EXP_PAR-1];
  reg [EXP_OUT_BITS-1:0] e_q [0:EXP_PAR-1];

  genvar j;
  generate
    if (MODE != 0 && EXP_SPLIT != 0) begin : g_roms
      /* verilator tracing_off */  // memories and their loaders are not traced (the model has none)
      (* rom_style = "logic" *) reg [EXP_HI_W-1:0] hi_rom [0:(1 << HI_BITS)-1];
      (* rom_style = "logic" *) reg [EXP_LO_W-1:0] lo_rom [0:(1 << EXP_LO_BITS)-1];
      initial begin : load
`ifndef SYNTHESIS
        reg [8*1024-1:0] path;
        if ($value$plusargs("exp_hi=%s", path)) $readmemh(path, hi_rom);
        else $readmemh(EXP_HI_FILE, hi_rom);
        if ($value$plusargs("exp_lo=%s", path)) $readmemh(path, lo_rom);
        else $readmemh(EXP_LO_FILE, lo_rom);
`else
        $readmemh(EXP_HI_FILE, hi_rom);
        $readmemh(EXP_LO_FILE, lo_rom);
`endif
      end
      /* verilator tracing_on */
    end
  endgenerate

  generate
    for (j = 0; j < EXP_PAR; j = j + 1) begin : g_lane
      if (j < LANES) begin : g_on
        // Lane 0 takes the output stage's inputs once it owns the lane (always in approx).
        wire mine = (MODE == 1) && (j != 0 || !own);
        wire en1 = mine ? n_en1 : o_en1;
        wire en2 = mine ? n_en2 : o_en2;
        wire signed [LOGIT_W-1:0] z = mine ? rd_data_bus[j*LOGIT_W +: LOGIT_W] : o_z;
        wire zero = mine && n_last && (j >= FIRST_PAST);
        wire signed [LOGIT_W:0] b = (MODE == 1) ? {base[LOGIT_W-1], base} : {(LOGIT_W+1){1'b0}};
        wire signed [D_W-1:0] d = b - {z[LOGIT_W-1], z};
        // index = d >> EXP_SHIFT (<< when negative), 0 for d <= 0, clamped to the last entry.
        // d = 0 gives index 0 by itself, and in softmax d = max - z >= 0: only approx tests the sign.
        wire [M_W-1:0] m = ({{(M_W-D_W){1'b0}}, d} << LSH) >> RSH;
        wire positive = (MODE == 1) || !d[D_W-1];
        wire [EXP_ADDR_BITS-1:0] idx = !positive ? {EXP_ADDR_BITS{1'b0}}
                                     : (|m[M_W-1:EXP_ADDR_BITS]) ? {EXP_ADDR_BITS{1'b1}} : m[EXP_ADDR_BITS-1:0];
        if (EXP_SPLIT == 0) begin : g_table
          /* verilator tracing_off */  // memories and their loaders are not traced (the model has none)
          reg [EXP_OUT_BITS-1:0] rom [0:(1 << EXP_ADDR_BITS)-1];
          initial begin : load
`ifndef SYNTHESIS
            reg [8*1024-1:0] path;
            if ($value$plusargs("exp=%s", path)) $readmemh(path, rom);
            else $readmemh(EXP_FILE, rom);
`else
            $readmemh(EXP_FILE, rom);
`endif
          end
          /* verilator tracing_on */
          always @(posedge clk) begin
            if (en1) e_q[j] <= zero ? {EXP_OUT_BITS{1'b0}} : rom[idx];
            hi_q[j] <= {EXP_HI_W{1'b0}};
            lo_q[j] <= {EXP_LO_W{1'b0}};
          end
          wire unused_en2 = &{1'b0, en2, hi_q[j], lo_q[j]};
        end else begin : g_split
          // e = hi * lo >> EXP_SPLIT_SHIFT, rounded half up (saturated only when it can overflow)
          wire [P_W-1:0] p = {{EXP_LO_W{1'b0}}, hi_q[j]} * {{EXP_HI_W{1'b0}}, lo_q[j]};
          wire [P_W:0] pr;
          if (EXP_SPLIT_SHIFT > 0) begin : g_round
            assign pr = {1'b0, p} + ({{P_W{1'b0}}, 1'b1} << (EXP_SPLIT_SHIFT - 1));
          end else begin : g_exact
            assign pr = {1'b0, p};
          end
          wire [P_W:0] r = pr >> EXP_SPLIT_SHIFT;
          wire [EXP_OUT_BITS-1:0] e_next;
          if (SAT != 0) begin : g_sat
            assign e_next = (|r[P_W:EXP_OUT_BITS]) ? {EXP_OUT_BITS{1'b1}} : r[EXP_OUT_BITS-1:0];
          end else begin : g_fit
            assign e_next = r[EXP_OUT_BITS-1:0];
            wire unused_r = &{1'b0, r[P_W:EXP_OUT_BITS]};
          end
          always @(posedge clk) begin
            if (en1) begin
              hi_q[j] <= zero ? {EXP_HI_W{1'b0}} : g_roms.hi_rom[idx[EXP_ADDR_BITS-1:EXP_LO_BITS]];
              lo_q[j] <= g_roms.lo_rom[idx[EXP_LO_BITS-1:0]];
            end
            if (en2) e_q[j] <= e_next;
          end
        end
      end else begin : g_off
        always @(posedge clk) begin
          hi_q[j] <= {EXP_HI_W{1'b0}};
          lo_q[j] <= {EXP_LO_W{1'b0}};
          e_q[j] <= {EXP_OUT_BITS{1'b0}};
        end
        wire unused_lane = &{1'b0, rd_data_bus[j*LOGIT_W +: LOGIT_W], hi_q[j], lo_q[j]};
      end
      assign e_bus[j*EXP_OUT_BITS +: EXP_OUT_BITS] = e_q[j];
    end
  endgenerate

  wire unused_inputs = &{1'b0, base, n_en1, n_en2, n_last, own, o_en1, o_en2, o_z};
endmodule
