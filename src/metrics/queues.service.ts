import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { WorkerHost } from '@nestjs/bullmq';
import { Queue, Worker } from 'bullmq';
import { QueueGroup, isQueueGroup } from '../common/queue-group';

/**
 * Finds every BullMQ queue and worker the application registered, so that health, metrics and the
 * queue dashboard follow new queues without a list to keep in sync: queues registered with
 * BullModule, workers of @Processor classes, and the per-shard queues and workers of every
 * queue group (common/queue-group.ts: the sharded queues of redis/sharded-queue.ts).
 */
@Injectable()
export class QueuesService {
  private found?: { queues: Queue[]; hosts: WorkerHost[]; sharded: QueueGroup[] };

  constructor(private readonly discovery: DiscoveryService) {}

  /** One instance per queue: per shard for a sharded queue (several share a name then, each under its shard's prefix). */
  queues(): Queue[] {
    const { queues, sharded } = this.discover();
    const byKey = new Map<string, Queue>();
    for (const queue of [...queues, ...sharded.flatMap((s) => s.queues)]) byKey.set(`${queue.opts.prefix ?? ''}|${queue.name}`, queue);
    return [...byKey.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Every queue instance: a queue registered by two modules is two instances, each with its connection. */
  queueInstances(): Queue[] {
    const { queues, sharded } = this.discover();
    return [...queues, ...sharded.flatMap((s) => s.queues)];
  }

  /** Every worker of this process (those of @Processor classes exist once they are started). */
  workers(): Worker[] {
    const { hosts, sharded } = this.discover();
    const workers: Worker[] = [];
    for (const host of hosts) {
      const worker = workerOf(host);
      if (worker && !workers.includes(worker)) workers.push(worker);
    }
    for (const group of sharded) workers.push(...group.workers);
    return workers;
  }

  /**
   * Makes `fresh` the worker that `stale` was (the worker watchdog's recovery): its processor's or its
   * queue group's jobs, health, metrics and shutdown then go to `fresh`. @nestjs/bullmq keeps a
   * processor's worker in a field of the host it sets itself, with no setter, hence the narrow cast.
   */
  replaceWorker(stale: Worker, fresh: Worker): void {
    const { hosts, sharded } = this.discover();
    const host = hosts.find((h) => workerOf(h) === stale);
    if (host) {
      (host as unknown as { _worker: Worker })._worker = fresh;
      return;
    }
    if (sharded.some((group) => group.replaceWorker(stale, fresh))) return;
    throw new Error(`no processor or queue group runs the worker of queue ${stale.name}`);
  }

  private discover(): { queues: Queue[]; hosts: WorkerHost[]; sharded: QueueGroup[] } {
    if (this.found) return this.found;
    const queues: Queue[] = [];
    const hosts: WorkerHost[] = [];
    const sharded: QueueGroup[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (instance instanceof Queue && !queues.includes(instance)) queues.push(instance);
      if (instance instanceof WorkerHost && !hosts.includes(instance)) hosts.push(instance);
      if (isQueueGroup(instance) && !sharded.includes(instance)) sharded.push(instance);
    }
    // Providers are all instantiated once the application is: cache only then.
    if (queues.length || hosts.length || sharded.length) this.found = { queues, hosts, sharded };
    return { queues, hosts, sharded };
  }
}

function workerOf(host: WorkerHost): Worker | undefined {
  try {
    return host.worker;
  } catch {
    return undefined; // not started yet
  }
}
