import type { BenchOptions } from './bench.options';
import type { BareGetResult, RawBullmqResult } from './scenarios/baselines.scenario';
import type { DeliveryAvailability } from './scenarios/delivery.probe';
import type { CreatesGoalResult } from './scenarios/create.scenario';
import type { BurstResult } from './scenarios/burst.scenario';
import type { ClusterResult } from './scenarios/cluster.scenario';
import type { SignaturesResult } from './scenarios/signature.scenario';
import type { StepResult } from './scenarios/ladder.scenario';
import type { SseScaleResult } from './scenarios/sse-scale.scenario';
import type { ProfileEntry } from './profile.summary';

/** Everything one `npm run bench` measured: what the report and the results files are written from. */
export interface BenchResults {
  startedAt: string;
  machine: { cpus: number; cpuModel: string; node: string; redis: string; loadAverage: number[] };
  command: string;
  options: BenchOptions;
  /** The same load on one Redis and on three masters. */
  cluster?: ClusterResult;
  bareGet?: BareGetResult;
  rawBullmq?: RawBullmqResult;
  delivery: { webhook: DeliveryAvailability; sse: DeliveryAvailability };
  create?: CreatesGoalResult;
  burst?: BurstResult;
  signatures?: SignaturesResult;
  /** The one-process steps; the last is the poll10k goal. */
  steps: StepResult[];
  /** The poll20k goal: the ROLE=all process and `workers` ROLE=worker ones. */
  scaled?: StepResult;
  sseScale?: SseScaleResult;
  economy: {
    approvals: number;
    getsPerApproval: number;
    idealPerApproval: number;
    ratio: number;
    maxConcurrentGetsPerOperation: number;
    maxInFlightGets: number;
  };
  resources: {
    wallSeconds: number;
    /** Summed over every service process. */
    serviceCpuSeconds: number;
    /** The sum of each service process's own peak. */
    servicePeakRss: number;
    /** Per service process, the ROLE=all one first. */
    processes: { role: string; cpuSeconds: number; peakRss: number }[];
  };
  profile?: { file: string; top: ProfileEntry[] };
}
