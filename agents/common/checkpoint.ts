import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** Thrown for a missing, corrupt or mismatched checkpoint; the message names the file and the problem. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

/** A named float32 tensor stored in a checkpoint's binary file. */
export interface StoredTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** One binary group of a checkpoint: `<file>.json` describes, `<file>.bin` holds the values. */
export interface TensorGroup {
  /** Base file name, e.g. `model` → model.json + weights.bin is handled by {@link writeCheckpoint}. */
  readonly tensors: readonly StoredTensor[];
  /** Extra JSON stored beside the manifest (e.g. the model topology or optimizer steps). */
  readonly meta: Record<string, unknown>;
}

/** Everything an agent checkpoint holds. */
export interface CheckpointContents {
  /** The networks: written as tfjs's model JSON (`model.json`, with `weightsManifest`) + `weights.bin`. */
  readonly model: TensorGroup;
  /** Optimizer moments: `optimizer.json` + `optimizer.bin`. */
  readonly optimizer: TensorGroup;
  /** Extra binary state (e.g. a replay buffer): `buffers.json` + `buffers.bin`; may be empty. */
  readonly buffers: TensorGroup;
  /** Hyperparameters, spaces, counters, RNG and normalisation state: `state.json`. */
  readonly state: Record<string, unknown>;
}

/** Format tag written into every checkpoint. */
export const CHECKPOINT_FORMAT = 'flash-gym-agent';
export const CHECKPOINT_VERSION = 1;

const GROUPS = [
  ['model', 'model.json', 'weights.bin'],
  ['optimizer', 'optimizer.json', 'optimizer.bin'],
  ['buffers', 'buffers.json', 'buffers.bin'],
] as const;

/**
 * Writes a checkpoint directory atomically: everything goes to a fresh sibling folder, each file is
 * fsynced, then the folder is renamed into place (an existing checkpoint is swapped out and removed only
 * afterwards), so a crash leaves either the old checkpoint or the new one, never a mix. `state.json`
 * records a SHA-256 of each binary file, checked on load.
 */
export function writeCheckpoint(dir: string, contents: CheckpointContents): void {
  const target = resolve(dir);
  mkdirSync(dirname(target), { recursive: true });
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temp = join(dirname(target), `.${basename(target)}.tmp-${suffix}`);
  mkdirSync(temp);
  try {
    const digests: Record<string, string> = {};
    for (const [key, jsonName, binName] of GROUPS) {
      const group = contents[key];
      const bin = concatTensors(group.tensors);
      digests[binName] = sha256(bin);
      const manifest = {
        format: CHECKPOINT_FORMAT,
        ...group.meta,
        weightsManifest: [{ paths: [binName], weights: group.tensors.map((t) => ({ name: t.name, shape: [...t.shape], dtype: 'float32' })) }],
      };
      writeSynced(join(temp, binName), bin);
      writeSynced(join(temp, jsonName), Buffer.from(JSON.stringify(manifest, null, 1)));
    }
    const state = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, ...contents.state, digests };
    writeSynced(join(temp, 'state.json'), Buffer.from(JSON.stringify(state, null, 1)));
    if (existsSync(target)) {
      const old = join(dirname(target), `.${basename(target)}.old-${suffix}`);
      renameSync(target, old);
      renameSync(temp, target);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(temp, target);
    }
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}

/** Reads and verifies a checkpoint written by {@link writeCheckpoint}; any problem is a {@link CheckpointError}. */
export function readCheckpoint(dir: string): CheckpointContents {
  const target = resolve(dir);
  if (!existsSync(target)) throw new CheckpointError(`checkpoint not found: ${target}`);
  const state = readJson(join(target, 'state.json'));
  if (state.format !== CHECKPOINT_FORMAT) throw new CheckpointError(`${join(target, 'state.json')}: not a flash-gym agent checkpoint (format ${JSON.stringify(state.format)})`);
  if (state.version !== CHECKPOINT_VERSION) throw new CheckpointError(`${target}: checkpoint version ${String(state.version)}; this flash-gym reads version ${CHECKPOINT_VERSION}`);
  const digests = (state.digests ?? {}) as Record<string, string>;
  const groups: Partial<Record<'model' | 'optimizer' | 'buffers', TensorGroup>> = {};
  for (const [key, jsonName, binName] of GROUPS) {
    const manifest = readJson(join(target, jsonName));
    const binPath = join(target, binName);
    if (!existsSync(binPath)) throw new CheckpointError(`checkpoint file missing: ${binPath}`);
    const bin = readFileSync(binPath);
    if (digests[binName] !== sha256(bin)) throw new CheckpointError(`${binPath} is corrupt: its SHA-256 does not match the one recorded in state.json`);
    const entries = ((manifest.weightsManifest as { weights?: unknown }[] | undefined)?.[0]?.weights ?? []) as { name: string; shape: number[] }[];
    const tensors: StoredTensor[] = [];
    let offset = 0;
    const floats = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
    for (const e of entries) {
      const size = e.shape.reduce((a, b) => a * b, 1);
      if (offset + size > floats.length) throw new CheckpointError(`${binPath} is too short for tensor "${e.name}"`);
      tensors.push({ name: e.name, shape: e.shape, values: floats.slice(offset, offset + size) });
      offset += size;
    }
    if (offset !== floats.length) throw new CheckpointError(`${binPath} holds ${floats.length} values; ${jsonName} describes ${offset}`);
    const { weightsManifest: _ignored, format: _format, ...meta } = manifest;
    groups[key] = { tensors, meta };
  }
  const { digests: _d, format: _f, version: _v, ...rest } = state;
  return { model: groups.model as TensorGroup, optimizer: groups.optimizer as TensorGroup, buffers: groups.buffers as TensorGroup, state: rest };
}

/** The tensor called `name` in a group; a clear error when it is missing or mis-shaped. */
export function tensorOf(group: TensorGroup, name: string, size: number, where: string): Float32Array {
  const t = group.tensors.find((x) => x.name === name);
  if (t === undefined) throw new CheckpointError(`${where}: checkpoint has no tensor "${name}"`);
  if (t.values.length !== size) throw new CheckpointError(`${where}: tensor "${name}" has ${t.values.length} values; this model needs ${size}`);
  return t.values;
}

function concatTensors(tensors: readonly StoredTensor[]): Buffer {
  const total = tensors.reduce((a, t) => a + t.values.length, 0);
  const all = new Float32Array(total);
  let offset = 0;
  for (const t of tensors) {
    all.set(t.values, offset);
    offset += t.values.length;
  }
  return Buffer.from(all.buffer, all.byteOffset, all.byteLength);
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function writeSynced(path: string, data: Uint8Array): void {
  writeFileSync(path, data);
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function readJson(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new CheckpointError(`checkpoint file missing: ${path}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CheckpointError(`${path} is corrupt: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CheckpointError(`${path} is corrupt: expected a JSON object`);
  return parsed as Record<string, unknown>;
}
