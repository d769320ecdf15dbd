import type { LossSpec } from '../spec';

export const PROBABILISTIC: LossSpec[] = [];
