import type { LossSpec } from '../spec';

export const SEQUENCE: LossSpec[] = [];
