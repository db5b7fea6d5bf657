import type { Worker } from 'bullmq';

/**
 * WORKER_CONCURRENCY is the number of jobs this process runs at once, across every model
 * queue it serves. BullMQ's concurrency is per Worker, and a Worker consumes one queue, so
 * each model's Worker may hold up to all the slots and this gate keeps their sum: when every
 * slot is busy it pauses every Worker (none starts a fetch), and resumes them when one frees.
 * A job fetched in the moment before a pause lands finds no slot: the processor hands it
 * back to its queue untouched (no attempt spent, its priority kept) for any worker to take.
 * With a single model queue the gate is not used: BullMQ's own concurrency is the same rule.
 */
export class SlotGate {
  private busy = 0;
  private readonly workers: Worker[] = [];

  constructor(private slots: number) {}

  attach(worker: Worker): void {
    this.workers.push(worker);
  }

  get busySlots(): number {
    return this.busy;
  }

  setSlots(slots: number): void {
    this.slots = slots;
    this.steer();
  }

  /** Take a slot; false when every slot is taken (hand the job back). */
  tryEnter(): boolean {
    if (this.busy >= this.slots) return false;
    this.busy++;
    this.steer();
    return true;
  }

  leave(): void {
    this.busy--;
    this.steer();
  }

  private steer(): void {
    const full = this.busy >= this.slots;
    for (const worker of this.workers) {
      if (full && !worker.isPaused()) void worker.pause(true);
      else if (!full && worker.isPaused()) worker.resume();
    }
  }
}
