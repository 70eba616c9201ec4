export { Space } from './space.js';
export type { DType, ElementOf } from './space.js';
export { Box, allocBoxArray, isNumericArrayLike } from './box.js';
export type { BoxArray, BoxDType, BoxOptions } from './box.js';
export { Discrete } from './discrete.js';
