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
  private found?: { queues: Queue[]; instances: Queue[]; workers: Worker[] };

  constructor(private readonly discovery: DiscoveryService) {}

  /** One instance per queue name. */
  queues(): Queue[] {
    return this.discover().queues;
  }

  /** Every queue instance: a queue registered by two modules is two instances, each with its connection. */
  queueInstances(): Queue[] {
    return this.discover().instances;
  }

  workers(): Worker[] {
    return this.discover().workers;
  }

  private discover(): { queues: Queue[]; instances: Queue[]; workers: Worker[] } {
    if (this.found) return this.found;
    const byName = new Map<string, Queue>();
    const instances: Queue[] = [];
    const workers: Worker[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (instance instanceof Queue && !instances.includes(instance)) {
        instances.push(instance);
        if (!byName.has(instance.name)) byName.set(instance.name, instance);
      }
      if (instance instanceof WorkerHost) {
        const worker = workerOf(instance);
        if (worker && !workers.includes(worker)) workers.push(worker);
      }
    }
    const found = { queues: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)), instances, workers };
    // Workers are attached during bootstrap: cache only a complete picture.
    if (workers.length) this.found = found;
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
