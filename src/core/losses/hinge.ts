import type { LossSpec } from '../spec';

export const HINGE: LossSpec[] = [];
