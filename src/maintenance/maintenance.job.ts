export const MAINTENANCE_QUEUE = 'maintenance';

/**
 * The repairs that look for what a crash or a loss of Redis data left undone. Each is a BullMQ job
 * scheduler of its own (the scheduler id is the job name), so it runs once per period for the whole
 * cluster, on whichever worker takes it, however many processes run.
 */
export const MAINTENANCE_JOBS = ['reconcile-polls', 'reconcile-outcomes', 'reconcile-deliveries', 'reconcile-approval-indexes'] as const;
export type MaintenanceJob = (typeof MAINTENANCE_JOBS)[number];

/** How often each repair runs. A scheduler with `every` also runs its first job at once. */
export const RECONCILE_EVERY_MS = 60_000;
