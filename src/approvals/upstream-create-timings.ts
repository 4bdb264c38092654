/** Before any create has been answered: about what one Recognize round trip takes. */
const FALLBACK_MS = 100;

/**
 * How long Recognize took to answer recent creates on this process. A 409 for an id another client
 * holds here is answered without asking Recognize (asking again could push to a phone once more), so
 * on its own it would come back sooner than a 409 from Recognize and tell the two apart. Delayed by a
 * duration drawn from these, it follows the same distribution. The residual: the draw matches the
 * distribution, not each request; a process that has answered no create yet uses FALLBACK_MS.
 */
export class UpstreamCreateTimings {
  private readonly samples: number[] = [];
  private cursor = 0;

  constructor(
    private readonly capacity = 64,
    private readonly random: () => number = Math.random,
  ) {}

  record(ms: number): void {
    if (this.samples.length < this.capacity) this.samples.push(ms);
    else this.samples[this.cursor] = ms;
    this.cursor = (this.cursor + 1) % this.capacity;
  }

  /** One of the recent durations, each equally likely. */
  draw(): number {
    if (this.samples.length === 0) return FALLBACK_MS;
    return this.samples[Math.floor(this.random() * this.samples.length)];
  }

  /** Waits as long as a Recognize create answer would take. */
  pad(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.draw()));
  }
}
