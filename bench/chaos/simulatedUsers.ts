/**
 * People using Atelier through the faults: each submits a job of a mix of kinds, keeps its
 * event stream open until the job ends (reconnecting with Last-Event-ID to whichever API
 * process answers, as a browser behind a load balancer does), pauses, and submits again.
 * Everything each one saw is kept for the history checker.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestUser } from '../../test/support/platform.ts';
import { openStream, postJson } from '../sseStream.ts';

export type Kind = 'image' | 'video' | 'voice';

export interface SeenEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

export interface FollowedJob {
  jobId: string;
  userId: string;
  kind: Kind;
  submittedAt: number;
  /** Stream entries (events with an id), in the order received, across every reconnect. */
  entries: SeenEvent[];
  /** The terminal status seen (a `status` event or a terminal `snapshot`), or '' if none by the deadline. */
  terminal: string;
  reconnects: number;
  /** For each reconnect: when the response ended (or failed), and ms until the next one answered 200. */
  reconnectGaps: { at: number; ms: number }[];
}

export interface UserActivity {
  jobs: FollowedJob[];
  /** Submits that were not accepted (status, or 0 for no answer), and when. */
  refused: { at: number; status: number }[];
  openStreams: number;
  peakStreams: number;
}

const MIX: { kind: Kind; share: number; body: () => unknown }[] = [
  { kind: 'image', share: 0.7, body: () => ({ prompt: `a harbour at dawn ${Math.random()}`, params: { width: 64, height: 64, steps: 2 } }) },
  { kind: 'video', share: 0.15, body: () => ({ prompt: 'waves on a pier', params: { seconds: 2, fps: 6, width: 96, height: 64 } }) },
  { kind: 'voice', share: 0.15, body: () => ({ prompt: 'Your picture is ready. Have a look.' }) },
];
const TERMINAL = new Set(['succeeded', 'failed', 'canceled']);

function pickKind() {
  let r = Math.random();
  for (const entry of MIX) if ((r -= entry.share) < 0) return entry;
  return MIX[0]!;
}

export class SimulatedUsers {
  readonly activity: UserActivity = { jobs: [], refused: [], openStreams: 0, peakStreams: 0 };
  private stopped = false;

  constructor(
    private readonly users: TestUser[],
    /** The API processes' addresses, read at each connection (a restarted process keeps its port). */
    private readonly apiUrls: () => string[],
    private readonly thinkMs: [number, number],
  ) {}

  /** Runs every user until `stop()`; resolves once each has finished following its last job (or `followDeadline` passed). */
  run(followDeadline: () => number): Promise<void> {
    return Promise.all(this.users.map((user, index) => this.runUser(user, index, followDeadline))).then(() => undefined);
  }

  stop(): void {
    this.stopped = true;
  }

  private async runUser(user: TestUser, index: number, followDeadline: () => number): Promise<void> {
    // Spread the first submits over the first think time.
    await sleep(Math.random() * this.thinkMs[1]);
    while (!this.stopped) {
      const { kind, body } = pickKind();
      const submitted = await this.submit(user, index, kind, JSON.stringify(body()));
      if (submitted) await this.follow(user, index, submitted, followDeadline);
      await sleep(this.thinkMs[0] + Math.random() * (this.thinkMs[1] - this.thinkMs[0]));
    }
  }

  private async submit(user: TestUser, index: number, kind: Kind, body: string): Promise<FollowedJob | null> {
    const urls = this.apiUrls();
    const base = urls[index % urls.length]!;
    const submittedAt = Date.now();
    const answer = await postJson(`${base}/api/generate/${kind}`, user.headers, body).catch(() => ({ status: 0, text: '' }));
    if (answer.status !== 202) {
      this.activity.refused.push({ at: submittedAt, status: answer.status });
      return null;
    }
    const { job } = JSON.parse(answer.text) as { job: { id: string } };
    const followed: FollowedJob = { jobId: job.id, userId: user.user.id, kind, submittedAt, entries: [], terminal: '', reconnects: 0, reconnectGaps: [] };
    this.activity.jobs.push(followed);
    return followed;
  }

  private async follow(user: TestUser, index: number, job: FollowedJob, followDeadline: () => number): Promise<void> {
    let lastId: string | null = null;
    let brokeAt: number | null = null;
    for (let turn = 0; job.terminal === '' && Date.now() < followDeadline(); turn++) {
      const urls = this.apiUrls();
      const base = urls[(index + turn) % urls.length]!;
      const headers: Record<string, string> = lastId === null ? user.headers : { ...user.headers, 'last-event-id': lastId };
      const stream = await openStream(`${base}/api/generate/${job.jobId}/stream`, {
        headers,
        onEvent: (event) => {
          const data = JSON.parse(event.data) as Record<string, unknown>;
          if (event.id !== null) {
            lastId = event.id;
            job.entries.push({ id: event.id, type: event.type, data });
          }
          const status = event.type === 'status' ? data.status : event.type === 'snapshot' ? (data.job as { status: string }).status : '';
          if (typeof status === 'string' && TERMINAL.has(status)) job.terminal = status;
        },
      }).catch(() => null);
      if (stream?.status === 200) {
        if (brokeAt !== null) job.reconnectGaps.push({ at: brokeAt, ms: Date.now() - brokeAt });
        brokeAt = null;
        this.activity.openStreams++;
        this.activity.peakStreams = Math.max(this.activity.peakStreams, this.activity.openStreams);
        await stream.ended;
        this.activity.openStreams--;
      } else stream?.close();
      if (job.terminal !== '') return;
      brokeAt ??= Date.now();
      job.reconnects++;
      await sleep(200 + Math.random() * 300);
    }
  }
}
