import type { TorchSpec } from '../types';

export const TORCH_EMBEDDING: TorchSpec[] = [];
