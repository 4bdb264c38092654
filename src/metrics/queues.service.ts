import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { WorkerHost } from '@nestjs/bullmq';
import { Queue, Worker } from 'bullmq';

/**
 * Finds every BullMQ queue and worker the application registered, so that health, metrics and the
 * queue dashboard follow new queues without a list to keep in sync.
 */
@Injectable()
export class QueuesService {
  private found?: { queues: Queue[]; instances: Queue[]; hosts: WorkerHost[] };

  constructor(private readonly discovery: DiscoveryService) {}

  /** One instance per queue name. */
  queues(): Queue[] {
    return this.discover().queues;
  }

  /** Every queue instance: a queue registered by two modules is two instances, each with its connection. */
  queueInstances(): Queue[] {
    return this.discover().instances;
  }

  /** Each processor's current worker: read from its host on every call, so that a replaced worker is the one seen. */
  workers(): Worker[] {
    return this.discover()
      .hosts.map(workerOf)
      .filter((worker): worker is Worker => worker !== undefined);
  }

  /**
   * Makes `fresh` the worker of the processor that ran `stale` (the worker watchdog's recovery): its
   * host's jobs, health, metrics and shutdown then go to `fresh`. @nestjs/bullmq keeps the worker in a
   * field of the host it sets itself, with no setter, hence the narrow cast.
   */
  replaceWorker(stale: Worker, fresh: Worker): void {
    const host = this.discover().hosts.find((h) => workerOf(h) === stale);
    if (!host) throw new Error(`no processor runs the worker of queue ${stale.name}`);
    (host as unknown as { _worker: Worker })._worker = fresh;
  }

  private discover(): { queues: Queue[]; instances: Queue[]; hosts: WorkerHost[] } {
    if (this.found) return this.found;
    const byName = new Map<string, Queue>();
    const instances: Queue[] = [];
    const hosts: WorkerHost[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (instance instanceof Queue && !instances.includes(instance)) {
        instances.push(instance);
        if (!byName.has(instance.name)) byName.set(instance.name, instance);
      }
      if (instance instanceof WorkerHost && workerOf(instance) && !hosts.includes(instance)) hosts.push(instance);
    }
    const found = { queues: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)), instances, hosts };
    // Workers are attached during bootstrap: cache only a complete picture.
    if (hosts.length) this.found = found;
    return found;
  }
}

function workerOf(host: WorkerHost): Worker | undefined {
  try {
    return host.worker;
  } catch {
    return undefined; // not started yet
  }
}
