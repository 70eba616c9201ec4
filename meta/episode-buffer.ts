/**
 * One finished (or cut) episode of a task, as the encoders read it: `steps` holds `length` rows of
 * `[observation, action, reward, nextObservation]` features (row-major, `rowSize` numbers each).
 */
export interface EpisodeRecord {
  readonly steps: Float32Array;
  readonly length: number;
  readonly rowSize: number;
  /** Undiscounted return. */
  readonly episodeReturn: number;
}

/** Which episodes a buffer keeps: the K with the highest return (FLASH/AWARE) or the K most recent. */
export type BufferPolicy = 'topK' | 'latest';

/** A JSON form of a buffer (numbers as plain arrays), for checkpoints of adapted tasks. */
export interface EpisodeBufferJson {
  readonly capacity: number;
  readonly policy: BufferPolicy;
  readonly episodes: { steps: number[]; length: number; rowSize: number; episodeReturn: number }[];
}

/**
 * The context of a task: up to `capacity` whole episodes, chosen by {@link BufferPolicy}. Ties in
 * return keep the earlier episode, so the content is a pure function of the insertion sequence.
 * Records are immutable, so {@link snapshot} is a cheap copy of references.
 */
export class EpisodeBuffer {
  private list: EpisodeRecord[] = [];

  constructor(
    readonly capacity: number,
    readonly policy: BufferPolicy = 'topK',
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`EpisodeBuffer: capacity must be an integer >= 1, got ${capacity}`);
    if (policy !== 'topK' && policy !== 'latest') throw new RangeError(`EpisodeBuffer: policy must be "topK" or "latest", got ${String(policy)}`);
  }

  /** Number of episodes held. */
  get size(): number {
    return this.list.length;
  }

  /** The episodes held (best first for topK, oldest first for latest). */
  get episodes(): readonly EpisodeRecord[] {
    return this.list;
  }

  /** Adds an episode (an empty one is ignored: it carries no information about the task). */
  add(episode: EpisodeRecord): void {
    if (episode.length === 0) return;
    if (episode.steps.length !== episode.length * episode.rowSize) throw new RangeError(`EpisodeBuffer: episode has ${episode.steps.length} numbers, expected ${episode.length} × ${episode.rowSize}`);
    if (this.list.length > 0 && this.list[0].rowSize !== episode.rowSize) throw new RangeError(`EpisodeBuffer: row size ${episode.rowSize} differs from the buffer's ${this.list[0].rowSize}`);
    if (this.policy === 'latest') {
      this.list.push(episode);
      if (this.list.length > this.capacity) this.list.shift();
      return;
    }
    // Stable insertion by descending return.
    let i = this.list.length;
    while (i > 0 && this.list[i - 1].episodeReturn < episode.episodeReturn) i--;
    this.list.splice(i, 0, episode);
    if (this.list.length > this.capacity) this.list.pop();
  }

  /** The current episodes, as an independent list. */
  snapshot(): readonly EpisodeRecord[] {
    return [...this.list];
  }

  clear(): void {
    this.list = [];
  }

  toJSON(): EpisodeBufferJson {
    return { capacity: this.capacity, policy: this.policy, episodes: this.list.map((e) => ({ steps: Array.from(e.steps), length: e.length, rowSize: e.rowSize, episodeReturn: e.episodeReturn })) };
  }

  static fromJSON(json: EpisodeBufferJson): EpisodeBuffer {
    const buffer = new EpisodeBuffer(json.capacity, json.policy);
    for (const e of json.episodes) buffer.add({ steps: Float32Array.from(e.steps), length: e.length, rowSize: e.rowSize, episodeReturn: e.episodeReturn });
    return buffer;
  }
}

/** Accumulates the steps of the episode in progress; {@link finish} turns them into a record. */
export class EpisodeRecorder {
  private rows: number[] = [];
  private count = 0;
  private total = 0;

  constructor(readonly rowSize: number) {}

  get length(): number {
    return this.count;
  }

  /** Appends one row (`rowSize` numbers) and its reward. */
  push(row: Float32Array, reward: number): void {
    for (let i = 0; i < this.rowSize; i++) this.rows.push(row[i]);
    this.count++;
    this.total += reward;
  }

  /** The record of the steps so far; the recorder starts over. */
  finish(): EpisodeRecord {
    const record = { steps: Float32Array.from(this.rows), length: this.count, rowSize: this.rowSize, episodeReturn: this.total };
    this.rows = [];
    this.count = 0;
    this.total = 0;
    return record;
  }
}
