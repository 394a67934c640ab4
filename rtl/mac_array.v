// mac_array: CPAR class rows x KPAR lanes. F0 reads the weight ROM word of (pass, beat) in step
// with the input register; F1 registers the products; F2 accumulates one beat per cycle
// (saturating when ACC_SAT) and flags the end of a pass (a_valid) for the logit bank.
module mac_array #(
  parameter integer KPAR = 8,
  parameter integer CPAR = 10,
  parameter integer IN_W = 16,
  parameter integer W_W = 16,
  parameter integer ACC_W = 41,
  parameter integer ACC_SAT = 0,
  parameter integer BEATS = 64,
  parameter integer PASSES = 1,
  parameter WEIGHTS_FILE = "weights.hex",
  parameter integer BEAT_W = (BEATS - 1 < 1) ? 1 : $clog2(BEATS),
  parameter integer PASS_W = (PASSES - 1 < 1) ? 1 : $clog2(PASSES)
) (
  input  wire                  clk,
  input  wire                  rst,
  input  wire                  stall,
  input  wire                  issue,
  input  wire [BEAT_W-1:0]     beat,
  input  wire [PASS_W-1:0]     pass,
  input  wire                  x_valid,
  input  wire [KPAR*IN_W-1:0]  x_bus,
  input  wire                  x_first,
  input  wire                  x_last,
  input  wire [PASS_W-1:0]     x_group,
  output reg                   a_valid,
  output reg  [PASS_W-1:0]     a_group,
  output wire [CPAR*ACC_W-1:0] acc_bus
);
  localparam integer LANES = CPAR * KPAR;
  localparam integer WORDS = PASSES * BEATS;
  localparam integer ADDR_W = (WORDS < 2) ? 1 : $clog2(WORDS);
  localparam integer P_W = IN_W + W_W;                      // one exact product
  localparam integer S_W = P_W + ((KPAR < 2) ? 0 : $clog2(KPAR)); // KPAR products
  localparam integer T_W = ((ACC_W > S_W) ? ACC_W : S_W) + 1;   // acc + beat sum, no wrap

  // ROM word (group, beat) at group*BEATS + beat; lane (c, l) at [(c*KPAR+l)*W_W +: W_W].
  /* verilator tracing_off */  // memories and their loaders are not traced (the model has none)
  (* rom_style = "block" *) reg [LANES*W_W-1:0] rom [0:WORDS-1];
  initial begin : load
`ifndef SYNTHESIS
    reg [8*1024-1:0] path;
    if ($value$plusargs("weights=%s", path)) $readmemh(path, rom);
    else $readmemh(WEIGHTS_FILE, rom);
`else
    $readmemh(WEIGHTS_FILE, rom);
`endif
  end
  /* verilator tracing_on */

  reg signed [W_W-1:0]   w_data [0:LANES-1];
  reg                    p_valid;
  reg signed [P_W-1:0]   prod [0:LANES-1];
  reg                    p_first;
  reg                    p_last;
  reg [PASS_W-1:0]       p_group;
  reg signed [ACC_W-1:0] acc [0:CPAR-1];

  // pass*BEATS + beat, computed ADDR_W+PASS_W bits wide so nothing wraps.
  localparam integer AX_W = ADDR_W + PASS_W + 1;
  localparam [31:0] BEATS_X_32 = BEATS;
  localparam [AX_W-1:0] BEATS_X = BEATS_X_32[AX_W-1:0];
  wire [AX_W-1:0] addr_x = {{(AX_W-PASS_W){1'b0}}, pass} * BEATS_X + {{(AX_W-BEAT_W){1'b0}}, beat};
  wire [ADDR_W-1:0] rom_addr = addr_x[ADDR_W-1:0];
  wire [LANES*W_W-1:0] rom_word = rom[rom_addr];
  wire unused_addr = &{1'b0, addr_x[AX_W-1:ADDR_W]};

  wire load_f0 = !rst && !stall && issue;
  wire load_f1 = !rst && !stall && x_valid;
  wire load_f2 = !rst && !stall && p_valid;

  genvar c, l;
  generate
    for (c = 0; c < CPAR; c = c + 1) begin : g_row
      // F0, F1 of the lanes of row c.
      for (l = 0; l < KPAR; l = l + 1) begin : g_lane
        localparam integer I = c * KPAR + l;
        wire signed [IN_W-1:0] x = x_bus[l*IN_W +: IN_W];
        wire signed [P_W-1:0] xe = {{W_W{x[IN_W-1]}}, x};
        wire signed [P_W-1:0] we = {{IN_W{w_data[I][W_W-1]}}, w_data[I]};
        always @(posedge clk) begin
          if (load_f0) w_data[I] <= rom_word[I*W_W +: W_W];
          if (load_f1) prod[I] <= xe * we;
        end
      end
      // F2: acc = (first ? 0 : acc) + the row's products, a chain of named wires (Yosys packs
      // it into a DSP48 cascade; a balanced tree went to fabric: 4x the LUTs).
      wire signed [T_W-1:0] base = p_first ? {T_W{1'b0}} : {{(T_W-ACC_W){acc[c][ACC_W-1]}}, acc[c]};
      for (l = 0; l < KPAR; l = l + 1) begin : g_sum
        wire signed [P_W-1:0] p = prod[c*KPAR+l];
        wire signed [T_W-1:0] pe = {{(T_W-P_W){p[P_W-1]}}, p};
        wire signed [T_W-1:0] s;
        if (l == 0) begin : g_head
          assign s = base + pe;
        end else begin : g_tail
          assign s = g_sum[l-1].s + pe;
        end
      end
      wire signed [T_W-1:0] t = g_sum[KPAR-1].s;
      wire fits = (t[T_W-1:ACC_W-1] == {(T_W-ACC_W+1){t[T_W-1]}});
      wire signed [ACC_W-1:0] sat = t[T_W-1] ? {1'b1, {(ACC_W-1){1'b0}}} : {1'b0, {(ACC_W-1){1'b1}}};
      wire signed [ACC_W-1:0] next = (ACC_SAT != 0 && !fits) ? sat : t[ACC_W-1:0];
      always @(posedge clk)
        if (load_f2) acc[c] <= next;
      assign acc_bus[c*ACC_W +: ACC_W] = acc[c];
    end
  endgenerate

  always @(posedge clk) begin
    if (rst) begin
      p_valid <= 1'b0;
      a_valid <= 1'b0;
    end else if (!stall) begin
      p_valid <= x_valid;
      if (x_valid) begin
        p_first <= x_first;
        p_last <= x_last;
        p_group <= x_group;
      end
      a_valid <= p_valid && p_last;
      if (p_valid) a_group <= p_group;
    end
  end
endmodule
