import type { LossSpec } from '../spec';

export const SEGMENTATION: LossSpec[] = [];
