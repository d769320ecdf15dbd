import type { LossSpec } from '../spec';

export const SIMILARITY: LossSpec[] = [];
