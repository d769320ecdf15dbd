import type { LossSpec } from '../spec';

export const METRIC_LEARNING: LossSpec[] = [];
