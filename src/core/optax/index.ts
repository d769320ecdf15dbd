/**
 * optax (JAX) losses as specs: function-only, no reduction (one value per example), `(predictions, targets)`
 * order, float32 unless the arrays are float64. optax's own source (optax/losses/) is the reference.
 */
import type { LossSpec } from '../spec';
import { OPTAX_REGRESSION } from './regression';
import { OPTAX_CLASSIFICATION } from './classification';
import { OPTAX_EXTRAS } from './extras';

export const OPTAX: readonly LossSpec[] = [...OPTAX_REGRESSION, ...OPTAX_CLASSIFICATION, ...OPTAX_EXTRAS];
