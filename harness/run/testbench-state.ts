// The testbench's state between its processes (harness/run/testbench.ts: driver and monitor;
// harness/run/coverage.ts reads the cycle and the beat), as named fields the generated code reads.
export class TestbenchState {
  /** the cycle being run */
  cycle = 0;
  /** the master offers the current beat (held until accepted) */
  offering = 0;
  /** the output position: vector and entry within it */
  outVector = 0;
  outEntry = 0;
  /** the cycle that is index 0 of the batch being recorded */
  batchBase = 0;
  /** the input position: vector, beat within it, and where the vector starts in xQ */
  inVector = 0;
  beat = 0;
  vectorBase = 0;
  /** the mid-run reset: 0 not yet, 1 done; the cycle its rst ends */
  resetDone = 0;
  resetUntil = 0;
  /** the cycle the probe ended (the traffic phases count from it); −1 while it runs */
  probeEnd = -1;
  /** vectors out when the backpressure phase (the first) ended; −1 before */
  backpressureOut = -1;
  /** the forced input gap is done */
  gapped = 0;
}
