// head_props: the stream contract of `head` (docs/contract.md §Interfaces) as formal properties,
// bound to the head's ports by the generated top (harness/formal/top.ts). Assumptions constrain
// the source (s_*); assertions are on the head. Each property is a named wire `p_<name>` (1 =
// holds) with its immediate assertion, so Yosys' formal flow and the per-property report of
// `headsim prove` see the same thing (harness/formal/build.ts exposes the p_* wires as outputs).
//
// Internal signals are read through taps: a wire with (* tap = "<path in head>" *) is driven,
// after flattening, by that signal of the head (harness/formal/build.ts), so rtl/ has no
// formal code. Ghost counters (f_*) count at the ports; `f_tag` is a solver-chosen vector
// number (anyconst, as in ZipCPU's sfifo): what is proved of it holds for every vector.
module head_props #(
  parameter integer CLASSES = 4,
  parameter integer ENTRIES = 2,
  parameter integer IDX_W = 2,
  parameter integer VAL_W = 16,
  parameter integer KPAR = 1,
  parameter integer IN_W = 16,
  parameter integer BEATS = 3,
  parameter integer PASSES = 1,
  parameter integer SELECT = 0,
  parameter integer CPAR = 4,
  parameter integer EMIT_ALL = 0,
  // timing (models/geometry.ts timing()): latency, II, cycles between two entries of a vector
  parameter integer LATENCY = 25,
  parameter integer BACK = 17,
  parameter integer II = 20,
  parameter integer ENTRY_CYCLES = 1,
  parameter integer T_W = 9,  // the timing counters (they stop at 2^T_W - 1)
  parameter integer BEAT_W = (BEATS - 1 < 1) ? 1 : $clog2(BEATS),
  parameter integer PASS_W = (PASSES - 1 < 1) ? 1 : $clog2(PASSES)
) (
  input wire                 clk,
  input wire                 rst,
  input wire                 s_valid,
  input wire                 s_ready,
  input wire [KPAR*IN_W-1:0] s_data,
  input wire                 s_last,
  input wire                 m_valid,
  input wire                 m_ready,
  input wire [IDX_W-1:0]     m_index,
  input wire [VAL_W-1:0]     m_value,
  input wire                 m_last
);
  localparam integer K_W = $clog2(ENTRIES + 1);
  localparam integer ROWS_W = $clog2(CPAR + 1);
  localparam [31:0] LAST_BEAT_32 = BEATS - 1;
  localparam [BEAT_W-1:0] LAST_BEAT = LAST_BEAT_32[BEAT_W-1:0];
  localparam [31:0] LAST_PASS_32 = PASSES - 1;
  localparam [PASS_W-1:0] LAST_PASS = LAST_PASS_32[PASS_W-1:0];
  localparam [31:0] LAST_ENTRY_32 = ENTRIES - 1;
  localparam [K_W-1:0] LAST_ENTRY = LAST_ENTRY_32[K_W-1:0];
  localparam [31:0] CLASSES_32 = CLASSES;
  localparam [T_W-1:0] T_MAX = {T_W{1'b1}};
  // cycles from a vector's last beat to its first entry, with the head empty before it
  localparam integer TAIL = LATENCY - BEATS;  // f_lat_wait is 0 in the cycle after the last beat
  localparam integer FRONT = TAIL - BACK;     // f_lat_wait in the back end's first cycle
  localparam [1:0] S_IDLE = 2'd0;

  // ---- taps: internal signals of head (paths as in rtl/, generate scopes included)
  (* tap = "state" *) wire [1:0] state;
  (* tap = "input_stage.beat" *) wire [BEAT_W-1:0] beat;
  (* tap = "input_stage.pass" *) wire [PASS_W-1:0] pass;
  (* tap = "input_stage.x_valid" *) wire x_valid;
  (* tap = "input_stage.x_last" *) wire x_last;
  (* tap = "input_stage.x_group" *) wire [PASS_W-1:0] x_group;
  (* tap = "mac_array.p_valid" *) wire p_valid;
  (* tap = "mac_array.p_last" *) wire p_last;
  (* tap = "mac_array.p_group" *) wire [PASS_W-1:0] p_group;
  (* tap = "mac_array.a_valid" *) wire a_valid;
  (* tap = "mac_array.a_group" *) wire [PASS_W-1:0] a_group;
  (* tap = "logit_bank.z_work_full" *) wire z_work_full;
  (* tap = "logit_bank.z_hold_full" *) wire z_hold_full;
  (* tap = "logit_bank.grp_rows" *) wire [ROWS_W-1:0] grp_rows;
  (* tap = "logit_bank.d_idx" *) wire [IDX_W-1:0] d_idx;

  // ---- the source: reset first, then AXI-Stream rules on s_* (a beat is held until taken)
  reg past_ok = 1'b0;
  reg past_rst, past_s_hold, past_m_hold, past_m_last;
  reg [KPAR*IN_W-1:0] past_s_data;
  reg past_s_last;
  reg [IDX_W-1:0] past_m_index;
  reg [VAL_W-1:0] past_m_value;
  always @(posedge clk) begin
    past_ok <= 1'b1;
    past_rst <= rst;
    past_s_hold <= s_valid && !s_ready && !rst;
    past_s_data <= s_data;
    past_s_last <= s_last;
    past_m_hold <= m_valid && !m_ready && !rst;
    past_m_index <= m_index;
    past_m_value <= m_value;
    past_m_last <= m_last;
  end
  // env_ok: the source kept the rules in this cycle (the AIGER build folds it into every
  // property: a property is violated only on a trace where the source always kept them).
  wire env_ok = (past_ok || rst) && !(past_ok && past_s_hold && !rst && !(s_valid && s_data == past_s_data && s_last == past_s_last));
  initial assume(rst);
  always @(*) assume(env_ok);

  // ---- ghost counters at the ports
  wire s_hs = s_valid && s_ready;
  wire m_hs = m_valid && m_ready;
  reg [BEAT_W-1:0] f_beat;      // beats of the vector coming in
  wire in_done = s_hs && f_beat == LAST_BEAT;
  wire out_done = m_hs && m_last;
  reg [3:0] f_inflight;         // vectors accepted and not yet fully emitted
  reg [K_W-1:0] f_entry;        // entries of the vector going out, accepted so far
  reg [2:0] f_in_count, f_out_count;  // vectors accepted / emitted, mod 8
  always @(posedge clk)
    if (rst) begin
      f_beat <= 0;
      f_inflight <= 0;
      f_entry <= 0;
      f_in_count <= 0;
      f_out_count <= 0;
    end else begin
      if (s_hs) f_beat <= in_done ? {BEAT_W{1'b0}} : f_beat + 1'b1;
      f_inflight <= f_inflight + {3'd0, in_done} - {3'd0, out_done};
      if (m_hs) f_entry <= m_last ? {K_W{1'b0}} : f_entry + 1'b1;
      if (in_done) f_in_count <= f_in_count + 1'b1;
      if (out_done) f_out_count <= f_out_count + 1'b1;
    end

  // The tagged vector: number f_tag after reset (the first lap of the mod-8 count).
  (* anyconst *) reg [2:0] f_tag;
  reg [1:0] f_tag_state;        // 0 not accepted, 1 accepted, 2 fully emitted
  reg [K_W-1:0] f_tag_entries;  // its entries accepted so far
  wire tag_in = in_done && f_tag_state == 2'd0 && f_in_count == f_tag;
  wire tag_out = f_tag_state == 2'd1 && f_out_count == f_tag;   // it is the vector going out
  always @(posedge clk)
    if (rst) begin
      f_tag_state <= 2'd0;
      f_tag_entries <= 0;
    end else begin
      if (tag_in) f_tag_state <= 2'd1;
      if (tag_out && m_hs) f_tag_entries <= f_tag_entries + 1'b1;
      if (tag_out && out_done) f_tag_state <= 2'd2;
    end

  // A vector accepted into an empty head (the next one out): cycles since its last beat.
  // f_lat_back: the back end has taken it (the sequencer left IDLE since).
  reg f_lat_on, f_lat_back;
  reg [T_W-1:0] f_lat_wait;
  always @(posedge clk)
    if (rst) begin
      f_lat_on <= 1'b0;
      f_lat_back <= 1'b0;
      f_lat_wait <= 0;
    end else if (in_done && f_inflight == 0) begin
      f_lat_on <= 1'b1;
      f_lat_back <= 1'b0;
      f_lat_wait <= 0;
    end else begin
      if (out_done) f_lat_on <= 1'b0;
      if (state != S_IDLE) f_lat_back <= 1'b1;
      if (f_lat_wait != T_MAX) f_lat_wait <= f_lat_wait + 1'b1;
    end

  // Both handshakes always ready since reset (the probe's conditions: latency, II).
  reg f_all_ready, f_all_valid, f_started;
  reg [T_W-1:0] f_cyc;          // cycles since reset
  reg [T_W-1:0] f_since;        // cycles since the last vector's first entry
  always @(posedge clk)
    if (rst) begin
      f_all_ready <= 1'b1;
      f_all_valid <= 1'b1;
      f_started <= 1'b0;
      f_cyc <= 0;
      f_since <= 0;
    end else begin
      if (!m_ready) f_all_ready <= 1'b0;
      if (!s_valid) f_all_valid <= 1'b0;
      if (f_cyc != T_MAX) f_cyc <= f_cyc + 1'b1;
      if (m_valid && f_entry == 0) begin
        f_started <= 1'b1;
        f_since <= 1;
      end else if (f_since != T_MAX) f_since <= f_since + 1'b1;
    end
  wire probe = f_all_ready && f_all_valid && m_ready && s_valid;

  // Vectors inside the head, stage by stage: each accepted vector is in exactly one place.
  wire [3:0] occ_front = {3'd0, pass != 0} + {3'd0, x_valid && x_last && x_group == LAST_PASS}
                       + {3'd0, p_valid && p_last && p_group == LAST_PASS} + {3'd0, a_valid && a_group == LAST_PASS};
  wire [3:0] occ_grp;
  generate
    if (SELECT != 0) begin : g_stream
      // the group register holds the vector's last group, not yet drained
      wire [31:0] reach = {{(32-IDX_W){1'b0}}, d_idx} + {{(32-ROWS_W){1'b0}}, grp_rows};
      assign occ_grp = {3'd0, grp_rows != 0 && reach == CLASSES_32};
    end else begin : g_tree
      assign occ_grp = 4'd0;
      wire unused = &{1'b0, grp_rows, d_idx};
    end
  endgenerate
  wire [3:0] occ = occ_front + occ_grp + {3'd0, z_work_full} + {3'd0, z_hold_full} + {3'd0, m_valid && m_last};

  // ---- the properties
  // Reset in any state returns to idle with nothing emitted (and the input open).
  wire p_reset_idle = !(past_ok && past_rst) || (!m_valid && s_ready && state == S_IDLE && !z_work_full && !z_hold_full);
  // AXI-Stream master: m_valid held, m_index, m_value, m_last stable until m_ready.
  wire p_m_held = !(past_ok && past_m_hold && !past_rst) || m_valid;
  wire p_m_stable = !(past_ok && past_m_hold && !past_rst) || (m_index == past_m_index && m_value == past_m_value && m_last == past_m_last);
  wire p_index = rst || !m_valid || ({{(32-IDX_W){1'b0}}, m_index} < CLASSES_32);
  // emit = all: the entries in class order
  wire p_class_order = rst || EMIT_ALL == 0 || !m_valid || ({{(32-IDX_W){1'b0}}, m_index} == {{(32-K_W){1'b0}}, f_entry});
  // The tagged vector: not emitted before it is accepted (order), ENTRIES entries with m_last on
  // the last, and never again.
  wire p_tag_order = rst || !(m_valid && f_tag_state == 2'd0 && f_out_count == f_tag);
  (* lemmas = "last_entry,tag_entries,tag_state" *) wire p_tag_once = rst || !(tag_out && out_done) || f_tag_entries == LAST_ENTRY;
  // Inside the head: every accepted beat is framed as the port frames it (passes after the first
  // replay the vector from the input stage's buffer, the port closed, between two vectors), and
  // every accepted vector sits in exactly one stage (no loss, no duplication; at most 7 or 8
  // vectors inside).
  (* lemma *) wire p_beat_frame = rst || (pass == 0 ? beat == f_beat : f_beat == 0);
  (* lemma *) wire p_occupancy = rst || occ == f_inflight;
  // While a vector goes out, the held bank keeps it until its last entry moves into m_*.
  (* lemma *) wire p_held_while_out = rst || !(m_valid && !m_last) || z_hold_full;
  // Nothing comes out that did not go in.
  (* lemma *) wire p_no_spurious = rst || !m_valid || f_inflight != 0;
  // A vector partly emitted is still counted in flight.
  // (occupancy bounds f_inflight: it never wraps)
  (* lemma, lemmas = "occupancy,no_spurious" *) wire p_entry_open = rst || f_entry == 0 || f_inflight != 0;
  // m_last on the last entry of each vector, ENTRIES entries (topK or N).
  (* lemma *) wire p_last_entry = rst || !m_valid || (m_last == (f_entry == LAST_ENTRY));
  // Ghost bookkeeping (lemmas about the counters alone): the counts agree with f_inflight; the
  // tagged vector is not passed before it is accepted; its entries are the ones going out.
  (* lemma *) wire p_counts = rst || (f_in_count - f_out_count) == f_inflight[2:0];
  (* lemma *) wire p_tag_before = rst || f_tag_state != 2'd0 || (f_in_count <= f_tag && f_inflight <= {1'b0, f_in_count});
  (* lemma, lemmas = "occupancy,no_spurious,entry_open,counts,tag_before" *) wire p_tag_entries = rst || (tag_out ? f_tag_entries == f_entry : (f_tag_state == 2'd2 || f_tag_entries == 0));
  (* lemma *) wire p_tag_state = rst || f_tag_state != 2'd3;
  // The latency's first part: such a vector reaches the back end (the sequencer leaves IDLE)
  // FRONT cycles after its last beat, whatever follows it.
  (* lemma, lemmas = "beat_frame,occupancy" *) wire p_latency_front = rst || !(f_lat_on && !f_lat_back) || (
      state != S_IDLE ? f_lat_wait == FRONT[T_W-1:0] : f_lat_wait < FRONT[T_W-1:0]);
  // Latency: with m_ready held high, a vector accepted into an empty head shows its first entry
  // TAIL cycles after its last beat (the formula's latency when its beats come back to back) and
  // its last ENTRY_CYCLES·(E−1) cycles later.
  (* lemmas = "latency_front" *) wire p_latency = rst || !(f_all_ready && f_lat_on) || (
      (m_valid && f_entry == 0) ? f_lat_wait == TAIL[T_W-1:0]
      : (f_lat_wait <= TAIL[T_W-1:0] + ENTRY_CYCLES * (ENTRIES - 1)));
  // Throughput: inputs and outputs always ready: the first entries of consecutive vectors come
  // II cycles apart, and the first vector's LATENCY cycles after reset.
  wire first_entry = m_valid && f_entry == 0;
  (* lemmas = "" *) wire p_first_latency = rst || !probe || f_started || (first_entry == (f_cyc == LATENCY[T_W-1:0]));
  (* lemmas = "" *) wire p_ii = rst || !probe || !f_started || (first_entry ? f_since == II[T_W-1:0] : f_since < II[T_W-1:0]);

  always @(*) begin
    assert(p_reset_idle);
    assert(p_m_held);
    assert(p_m_stable);
    assert(p_last_entry);
    assert(p_index);
    assert(p_class_order);
    assert(p_no_spurious);
    assert(p_entry_open);
    assert(p_tag_order);
    assert(p_tag_once);
    assert(p_beat_frame);
    assert(p_occupancy);
    assert(p_held_while_out);
    assert(p_counts);
    assert(p_tag_before);
    assert(p_tag_entries);
    assert(p_tag_state);
    assert(p_latency_front);
    assert(p_latency);
    assert(p_first_latency);
    assert(p_ii);
  end
endmodule
