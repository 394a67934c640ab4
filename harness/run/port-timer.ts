// Latency and II read off a port trace alone, so model and RTL are measured the same way:
// latency = first s handshake of vector 0 → first cycle m_valid is high for it; II = distance
// between the first valid outputs of the last two probe vectors (sent back to back, no stalls).
import { IN_M_READY, IN_RST, IN_S_VALID, OUT_M_LAST, OUT_M_VALID, OUT_S_READY, type PortBatch } from '../rtl/ports.ts';

export class PortTimer {
  private cycle = 0;
  private firstAccept = -1;
  private readonly firstValid: number[] = [];
  private vectorOpen = false;

  constructor(private readonly probe: number) {}

  feed(b: PortBatch, n: number): void {
    for (let i = 0; i < n; i++, this.cycle++) {
      const f = b.flags[i]!;
      const o = b.outFlags[i]!;
      if (f & IN_RST) continue;
      if (this.firstAccept < 0 && f & IN_S_VALID && o & OUT_S_READY) this.firstAccept = this.cycle;
      if (this.firstValid.length > this.probe) continue;
      if (o & OUT_M_VALID) {
        if (!this.vectorOpen) {
          this.firstValid.push(this.cycle);
          this.vectorOpen = true;
        }
        if (f & IN_M_READY && o & OUT_M_LAST) this.vectorOpen = false;
      }
    }
  }

  result(): { latency: number; ii: number } {
    const np = Math.min(this.probe, this.firstValid.length);
    return {
      latency: this.firstValid.length ? this.firstValid[0]! - this.firstAccept : NaN,
      ii: np >= 2 ? this.firstValid[np - 1]! - this.firstValid[np - 2]! : NaN,
    };
  }
}
