/**
 * The 16 function segments of the Sizeless benchmark (Eismann et al., Middleware 2021), from which FLASH
 * and AWARE compose synthetic serverless applications, each with a resource profile.
 *
 * A profile gives, for one invocation of the segment at input scale 1:
 * - `cpuMs`: CPU work in milliseconds at one full core (1000 millicores);
 * - `waitMs`: time spent waiting on I/O or a remote service, which does not shrink with more CPU;
 * - `memoryMiB`: the segment's working set on top of the language runtime ({@link RUNTIME_BASE_MIB});
 * - `cv`: coefficient of variation of the segment's time across invocations (input and network jitter);
 * - `parallelism`: how many cores its CPU work can use at once (a CPU limit above this buys nothing).
 *
 * The numbers are chosen to be representative of what these segments do in Sizeless' Node.js functions
 * on a 2–3 GHz cloud core, and of their relative order, not measured on one machine:
 *
 * | segment              | cpuMs | waitMs | MiB | cv   | par | why                                                                 |
 * |----------------------|------:|-------:|----:|-----:|----:|---------------------------------------------------------------------|
 * | floatOperations      |    40 |      0 |  32 | 0.10 |   1 | ~10⁶ sin/cos/sqrt in a tight loop; pure CPU, fixed input, stable     |
 * | matrixMultiplication |   120 |      0 | 384 | 0.15 |   2 | dense O(n³) multiply; large operands; the one segment that threads  |
 * | imageCompress        |   150 |      0 | 256 | 0.30 |   1 | JPEG re-encode: decode + DCT + entropy coding, input-size dependent  |
 * | imageResize          |    80 |      0 | 224 | 0.30 |   1 | decode + resample; decoded bitmap dominates memory                   |
 * | imageRotate          |    60 |      0 | 224 | 0.30 |   1 | decode + pixel shuffle; cheaper than resampling                     |
 * | json2yaml            |    25 |      0 |  48 | 0.40 |   1 | parse + serialize a document; size varies a lot between requests    |
 * | compress             |    90 |      5 |  96 | 0.35 |   1 | gzip of a file: CPU-heavy deflate plus a small temp-file write      |
 * | decompress           |    30 |      5 |  96 | 0.35 |   1 | inflate is ~3× cheaper than deflate                                 |
 * | fileRead             |     5 |     15 |  64 | 0.50 |   1 | local /tmp read: mostly I/O wait, page cache makes it jittery       |
 * | fileWrite            |     8 |     25 |  64 | 0.50 |   1 | local write + fsync: slower than a read                             |
 * | s3Read               |    10 |     60 |  80 | 0.60 |   1 | object GET: network round trips dominate; object buffered in memory |
 * | s3Write              |    12 |     90 |  80 | 0.60 |   1 | object PUT: slower than GET (replication before the ack)            |
 * | s3Stream             |    25 |    150 |  48 | 0.70 |   1 | streamed GET+transform: long transfer, small buffers                |
 * | dynamoRead           |     4 |     12 |  40 | 0.50 |   1 | single-item GetItem: one short round trip                           |
 * | dynamoWrite          |     5 |     20 |  40 | 0.50 |   1 | PutItem: a round trip plus a quorum write                           |
 * | sleep                |     0 |    100 |  16 | 0.01 |   1 | a timer: pure wait, deterministic                                   |
 */
export const SEGMENT_NAMES = [
  'floatOperations',
  'matrixMultiplication',
  'imageCompress',
  'imageResize',
  'imageRotate',
  'json2yaml',
  'compress',
  'decompress',
  'fileRead',
  'fileWrite',
  's3Read',
  's3Write',
  's3Stream',
  'dynamoRead',
  'dynamoWrite',
  'sleep',
] as const;

/** One of the 16 Sizeless segments. */
export type SegmentName = (typeof SEGMENT_NAMES)[number];

/** The resource profile of a segment at input scale 1 (see the table in this module's doc comment). */
export interface SegmentProfile {
  readonly cpuMs: number;
  readonly waitMs: number;
  readonly memoryMiB: number;
  readonly cv: number;
  readonly parallelism: number;
}

/** Memory of the language runtime and container itself, present in every replica (MiB). */
export const RUNTIME_BASE_MIB = 128;

/** The profiles of all segments (the table above). */
export const SEGMENT_PROFILES: Readonly<Record<SegmentName, SegmentProfile>> = Object.freeze({
  floatOperations: { cpuMs: 40, waitMs: 0, memoryMiB: 32, cv: 0.1, parallelism: 1 },
  matrixMultiplication: { cpuMs: 120, waitMs: 0, memoryMiB: 384, cv: 0.15, parallelism: 2 },
  imageCompress: { cpuMs: 150, waitMs: 0, memoryMiB: 256, cv: 0.3, parallelism: 1 },
  imageResize: { cpuMs: 80, waitMs: 0, memoryMiB: 224, cv: 0.3, parallelism: 1 },
  imageRotate: { cpuMs: 60, waitMs: 0, memoryMiB: 224, cv: 0.3, parallelism: 1 },
  json2yaml: { cpuMs: 25, waitMs: 0, memoryMiB: 48, cv: 0.4, parallelism: 1 },
  compress: { cpuMs: 90, waitMs: 5, memoryMiB: 96, cv: 0.35, parallelism: 1 },
  decompress: { cpuMs: 30, waitMs: 5, memoryMiB: 96, cv: 0.35, parallelism: 1 },
  fileRead: { cpuMs: 5, waitMs: 15, memoryMiB: 64, cv: 0.5, parallelism: 1 },
  fileWrite: { cpuMs: 8, waitMs: 25, memoryMiB: 64, cv: 0.5, parallelism: 1 },
  s3Read: { cpuMs: 10, waitMs: 60, memoryMiB: 80, cv: 0.6, parallelism: 1 },
  s3Write: { cpuMs: 12, waitMs: 90, memoryMiB: 80, cv: 0.6, parallelism: 1 },
  s3Stream: { cpuMs: 25, waitMs: 150, memoryMiB: 48, cv: 0.7, parallelism: 1 },
  dynamoRead: { cpuMs: 4, waitMs: 12, memoryMiB: 40, cv: 0.5, parallelism: 1 },
  dynamoWrite: { cpuMs: 5, waitMs: 20, memoryMiB: 40, cv: 0.5, parallelism: 1 },
  sleep: { cpuMs: 0, waitMs: 100, memoryMiB: 16, cv: 0.01, parallelism: 1 },
});
