// input_stage: the AXI-Stream slave. Accepts KPAR lanes per beat in pass 0, applies ReLU and
// zeroes pad lanes, keeps the vector in a replay buffer when the class rows need several
// passes (PASSES > 1) and replays it for passes 1..PASSES-1. F0 register x_* feeds the MACs.
module input_stage #(
  parameter integer INPUTS = 512,
  parameter integer KPAR = 8,
  parameter integer IN_W = 16,
  parameter integer RELU = 1,
  parameter integer BEATS = 64,
  parameter integer PASSES = 1,
  parameter integer BEAT_W = (BEATS - 1 < 1) ? 1 : $clog2(BEATS),
  parameter integer PASS_W = (PASSES - 1 < 1) ? 1 : $clog2(PASSES)
) (
  input  wire                 clk,
  input  wire                 rst,
  input  wire                 stall,
  input  wire                 s_valid,
  output wire                 s_ready,
  input  wire [KPAR*IN_W-1:0] s_data,
  output wire                 issue,    // a beat enters F0 at this edge
  output reg  [BEAT_W-1:0]    beat,
  output reg  [PASS_W-1:0]    pass,
  output reg                  x_valid,
  output wire [KPAR*IN_W-1:0] x_bus,    // x_data, lane l at [l*IN_W +: IN_W]
  output reg                  x_first,
  output reg                  x_last,
  output reg  [PASS_W-1:0]    x_group
);
  localparam [31:0] LAST_BEAT_32 = BEATS - 1;
  localparam [BEAT_W-1:0] LAST_BEAT = LAST_BEAT_32[BEAT_W-1:0];
  localparam [31:0] LAST_PASS_32 = PASSES - 1;
  localparam [PASS_W-1:0] LAST_PASS = LAST_PASS_32[PASS_W-1:0];

  reg signed [IN_W-1:0] x_data [0:KPAR-1];

  assign s_ready = (pass == 0) && !stall;
  assign issue = !stall && (pass != 0 || s_valid);

  wire last_beat = (beat == LAST_BEAT);

  // Source of the beat: the stream in pass 0, the replay buffer afterwards.
  wire [KPAR*IN_W-1:0] src;
  generate
    if (PASSES > 1) begin : g_replay
      /* verilator tracing_off */  // memories are not traced (the model has none)
      reg [KPAR*IN_W-1:0] buffer [0:BEATS-1];
      /* verilator tracing_on */
      always @(posedge clk)
        if (!rst && !stall && issue && pass == 0) buffer[beat] <= s_data;
      assign src = (pass == 0) ? s_data : buffer[beat];
    end else begin : g_stream
      assign src = s_data;
    end
  endgenerate

  genvar l;
  generate
    for (l = 0; l < KPAR; l = l + 1) begin : g_lane
      wire signed [IN_W-1:0] x = src[l*IN_W +: IN_W];
      // Lanes past INPUTS exist only in the last beat.
      localparam integer PAD = ((BEATS - 1) * KPAR + l >= INPUTS) ? 1 : 0;
      wire zero = (RELU != 0 && x[IN_W-1]) || (PAD != 0 && last_beat);
      always @(posedge clk)
        if (!rst && !stall && issue) x_data[l] <= zero ? {IN_W{1'b0}} : x;
      assign x_bus[l*IN_W +: IN_W] = x_data[l];
    end
  endgenerate

  always @(posedge clk) begin
    if (rst) begin
      beat <= 0;
      pass <= 0;
      x_valid <= 1'b0;
    end else if (!stall) begin
      x_valid <= issue;
      if (issue) begin
        x_first <= (beat == 0);
        x_last <= last_beat;
        x_group <= pass;
        beat <= last_beat ? {BEAT_W{1'b0}} : beat + 1'b1;
        if (last_beat) pass <= (pass == LAST_PASS) ? {PASS_W{1'b0}} : pass + 1'b1;
      end
    end
  end
endmodule
