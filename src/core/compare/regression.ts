/**
 * Ports of the elementwise regression losses (MSE, MAE, Huber/SmoothL1, LogCosh, Poisson, MAPE, MSLE): Keras reduces
 * per sample (the last axis averaged) where torch reduces per element, so 'sum' and 'none' get their own ports; a
 * loss a framework lacks is a 'formula' row (the expression to write, computed op by op in float32).
 */
import { shapeStr, type Tensor } from '../tensor';
import type { ParamValue } from '../spec';
import type { TorchDtype } from '../torch';
import type { Data, Group, Port, Transform } from './types';
import { mapT, optaxMean, torchOut, torchHas, SAME_FORMULA, f7, pyFloat, pyLit, C, formulaMean, r32 } from './util';

/** Ports of the elementwise regression losses, reduction-aware (Keras reduces per sample, torch per element). */
export function regressionPorts(torchName: string, torchCfg: (d: Data) => Record<string, ParamValue>, optaxName: string | null, optaxCfg: (d: Data) => Record<string, ParamValue>, cfgText: (d: Data) => string): (d: Data) => Port[] {
  return (d) => {
    const ports: Port[] = [];
    const args = (dd: Data, pIn: Tensor) => ({ input: pIn, target: dd.t });
    const dt = { input: 'float32' as TorchDtype, target: 'float32' as TorchDtype };
    const cText = cfgText(d);
    if (torchHas(torchName)) {
      if (d.reduction === 'sum') {
        ports.push({
          framework: 'pytorch', role: 'faithful', call: `nn.${torchName}(${cText}reduction='sum')(y_pred, y_true) / ${C(d)}`,
          run: (dd, pIn) => { const o = torchOut(torchName, { ...torchCfg(dd), reduction: 'sum' }, args(dd, pIn), dt); return { value: mapT(o.value, (v) => Math.fround(v / C(dd))), grad: mapT(o.grad!, (g) => g / C(dd)) }; },
          why: () => SAME_FORMULA,
        });
        ports.push({
          framework: 'pytorch', role: 'common', call: `nn.${torchName}(${cText}reduction='sum')(y_pred, y_true)`,
          run: (dd, pIn) => torchOut(torchName, { ...torchCfg(dd), reduction: 'sum' }, args(dd, pIn), dt),
          why: (dd) => `torch sums every element; Keras's 'sum' adds one mean per sample (over the last axis), so torch's sum is ${C(dd)}× larger.`,
        });
      } else if (d.reduction === 'none') {
        ports.push({
          framework: 'pytorch', role: 'faithful', call: `nn.${torchName}(${cText}reduction='none')(y_pred, y_true).mean(-1)`,
          run: (dd, pIn) => {
            const o = torchOut(torchName, { ...torchCfg(dd), reduction: 'none' }, args(dd, pIn), dt);
            const c = C(dd), rows = o.value.data.length / c;
            const v = new Float64Array(rows);
            for (let r = 0; r < rows; r++) { let s = 0; for (let j = 0; j < c; j++) s += o.value.data[r * c + j]; v[r] = Math.fround(s / c); }
            const g = torchOut(torchName, { ...torchCfg(dd), reduction: 'none' }, args(dd, pIn), dt).grad;
            return { value: { data: v, shape: o.value.shape.slice(0, -1) }, grad: mapT(g!, (x) => x / c) };
          },
          why: () => SAME_FORMULA,
        });
        ports.push({
          framework: 'pytorch', role: 'common', call: `nn.${torchName}(${cText}reduction='none')(y_pred, y_true)`,
          run: (dd, pIn) => torchOut(torchName, { ...torchCfg(dd), reduction: 'none' }, args(dd, pIn), dt),
          why: (dd) => `torch's 'none' keeps every element (shape ${shapeStr(dd.p.shape)}); Keras's keeps one mean per sample (the last axis averaged).`,
        });
      } else {
        ports.push({
          framework: 'pytorch', role: 'faithful', call: `nn.${torchName}(${cText.replace(/, $/, '')})(y_pred, y_true)`,
          run: (dd, pIn) => torchOut(torchName, torchCfg(dd), args(dd, pIn), dt),
          why: () => SAME_FORMULA,
        });
      }
    }
    if (optaxName && d.reduction !== 'sum' && d.reduction !== 'none') {
      ports.push({
        framework: 'optax', role: 'faithful', call: `${optaxName}(y_pred, y_true${Object.entries(optaxCfg(d)).filter(([k, v]) => !(k === 'delta' && v === 1)).map(([k, v]) => `, ${k}=${typeof v === 'number' ? pyFloat(v) : pyLit(v)}`).join('')}).mean()`,
        run: (dd, pIn) => optaxMean(optaxName, optaxCfg(dd), dd.t, pIn),
        why: () => SAME_FORMULA,
      });
    }
    return ports;
  };
}

export const REGRESSION_PORTS: Partial<Record<Group, (d: Data) => Port[]>> = {
  mse: (d) => [
    ...regressionPorts('MSELoss', () => ({}), 'optax.squared_error', () => ({}), () => '')(d),
    ...(d.reduction === 'sum' || d.reduction === 'none' ? [] : [{
      framework: 'optax' as const, role: 'common' as const, call: 'optax.l2_loss(y_pred, y_true).mean()',
      run: (dd: Data, pIn: Tensor) => optaxMean('optax.l2_loss', {}, dd.t, pIn),
      why: () => 'optax.l2_loss is 0.5·(p − t)²: half the mean squared error.',
    }]),
  ],
  mae: regressionPorts('L1Loss', () => ({}), null, () => ({}), () => ''),
  huber: (d) => [
    ...regressionPorts('HuberLoss', (dd) => ({ delta: dd.delta }), 'optax.huber_loss', (dd) => ({ delta: dd.delta }), (dd) => (dd.delta === 1 ? '' : `delta=${pyFloat(dd.delta)}, `))(d),
    ...(torchHas('SmoothL1Loss') && d.reduction !== 'sum' && d.reduction !== 'none' ? [{
      framework: 'pytorch' as const, role: 'common' as const, call: `nn.SmoothL1Loss(${d.delta === 1 ? '' : `beta=${pyFloat(d.delta)}`})(y_pred, y_true)`,
      run: (dd: Data, pIn: Tensor) => torchOut('SmoothL1Loss', { beta: dd.delta }, { input: pIn, target: dd.t }, { input: 'float32', target: 'float32' }),
      why: (dd: Data) => `SmoothL1Loss(beta) = Huber(delta=beta)/beta: 0.5·e²/β inside and |e| − β/2 outside (slope 1, not δ), a factor ${f7(dd.delta)} apart.`,
    }] : []),
  ],
  logcosh: regressionPorts('__none__', () => ({}), 'optax.log_cosh', () => ({}), () => ''),
  poisson: (d) => {
    const ports: Port[] = [];
    const dt = { input: 'float32' as TorchDtype, target: 'float32' as TorchDtype };
    const mean = d.reduction !== 'sum' && d.reduction !== 'none';
    if (torchHas('PoissonNLLLoss') && mean) {
      ports.push({
        framework: 'pytorch', role: 'faithful', call: 'nn.PoissonNLLLoss(log_input=False)(y_pred, y_true)',
        run: (dd, pIn) => torchOut('PoissonNLLLoss', { log_input: false }, { input: pIn, target: dd.t }, dt),
        why: () => 'The same formula with another ε inside the log (Keras 1e-7, torch eps=1e-8): the numbers part where y_pred is near 0.',
      });
      ports.push({
        framework: 'pytorch', role: 'faithful', call: 'nn.PoissonNLLLoss()(torch.log(y_pred), y_true)', pre: LOG_T,
        run: (dd, pIn) => torchOut('PoissonNLLLoss', {}, { input: pIn, target: dd.t }, dt),
        why: () => 'log_input=True computes exp(x) − t·x with no ε: it parts from Keras where y_pred is 0 (Keras adds 1e-7 inside the log).',
      });
      ports.push({
        framework: 'pytorch', role: 'common', call: 'nn.PoissonNLLLoss()(y_pred, y_true)',
        run: (dd, pIn) => torchOut('PoissonNLLLoss', {}, { input: pIn, target: dd.t }, dt),
        why: () => 'PoissonNLLLoss reads its input as the log-rate by default (log_input=True: exp(input) − target·input); Keras Poisson takes the rate itself. Pass log_input=False or torch.log(y_pred).',
      });
    }
    if (mean) {
      ports.push({
        framework: 'optax', role: 'faithful', call: '(y_pred - y_true * jnp.log(y_pred + 1e-7)).mean()', note: 'optax has no Poisson loss: its row is the expression to write, computed op by op in float32.',
        run: (dd, pIn) => formulaMean(dd, pIn, (p, t) => { const e = r32(p + 1e-7); return [r32(p - r32(t * r32(Math.log(e)))), 1 - t / e]; }),
        why: () => SAME_FORMULA,
      });
    }
    return ports;
  },
  mape: (d) => (d.reduction === 'sum' || d.reduction === 'none' ? [] : [
    {
      framework: 'pytorch', role: 'faithful', call: '100 * ((y_true - y_pred).abs() / y_true.abs().clamp(min=1e-7)).mean()', note: 'torch has no MAPE loss: its row is the expression to write, computed op by op in float32.',
      run: (dd, pIn) => formulaMean(dd, pIn, mapeTerm),
      why: () => SAME_FORMULA,
    },
    {
      framework: 'optax', role: 'faithful', call: '100 * (jnp.abs(y_true - y_pred) / jnp.maximum(jnp.abs(y_true), 1e-7)).mean()', note: 'optax has no MAPE loss: its row is the expression to write, computed op by op in float32.',
      run: (dd, pIn) => formulaMean(dd, pIn, mapeTerm),
      why: () => SAME_FORMULA,
    },
    ...(torchHas('L1Loss') ? [{
      framework: 'pytorch' as const, role: 'common' as const, call: 'nn.L1Loss()(y_pred, y_true)',
      run: (dd: Data, pIn: Tensor) => torchOut('L1Loss', {}, { input: pIn, target: dd.t }, { input: 'float32', target: 'float32' }),
      why: () => 'L1Loss is the mean absolute error, not divided by |y_true| and not in percent.',
    }] : []),
  ]),
  msle: (d) => {
    if (d.reduction === 'sum' || d.reduction === 'none') return [];
    const lt = mapT(d.t, (t) => r32(Math.log1p(r32(Math.max(t, EPS32)))));
    const ports: Port[] = [];
    if (torchHas('MSELoss')) {
      ports.push({
        framework: 'pytorch', role: 'faithful', call: 'nn.MSELoss()(torch.log1p(y_pred.clamp(min=1e-7)), torch.log1p(y_true.clamp(min=1e-7)))', pre: LOG1P_CLAMP,
        run: (dd, pIn) => torchOut('MSELoss', {}, { input: pIn, target: lt }, { input: 'float32', target: 'float32' }),
        why: () => SAME_FORMULA,
      });
    }
    ports.push({
      framework: 'optax', role: 'faithful', call: 'optax.squared_error(jnp.log1p(jnp.maximum(y_pred, 1e-7)), jnp.log1p(jnp.maximum(y_true, 1e-7))).mean()', pre: LOG1P_CLAMP,
      run: (_dd, pIn) => optaxMean('optax.squared_error', {}, lt, pIn),
      why: () => SAME_FORMULA,
    });
    if (torchHas('MSELoss')) {
      ports.push({
        framework: 'pytorch', role: 'common', call: 'nn.MSELoss()(torch.log(y_pred), torch.log(y_true))', pre: LOG_T,
        run: (dd, pIn) => torchOut('MSELoss', {}, { input: pIn, target: mapT(dd.t, (t) => r32(Math.log(t))) }, { input: 'float32', target: 'float32' }),
        why: () => 'log without the +1 (and without the clip at 1e-7): a zero gives −inf, and small values weigh far more than in MSLE.',
      });
    }
    return ports;
  },
};

/** float32 1e-7 (keras.config.epsilon() as the Keras core rounds it). */
const EPS32 = Math.fround(1e-7);
const LOG_T: Transform = { apply: (x) => r32(Math.log(x)), vjp: (x, g) => g / x };
/** log1p(max(x, 1e-7)): MSLE's transform of y_pred; d/dx = 1/(1 + x) above the clip, 0 below. */
const LOG1P_CLAMP: Transform = { apply: (x) => r32(Math.log1p(r32(Math.max(x, EPS32)))), vjp: (x, g) => (x > EPS32 ? g / (1 + x) : x === EPS32 ? g / (2 * (1 + x)) : 0) };

/** 100·|t − p| / max(|t|, 1e-7) op by op in float32, and its derivative in p. */
function mapeTerm(p: number, t: number): [number, number] {
  const den = r32(Math.max(Math.abs(t), EPS32));
  const v = r32(100 * r32(r32(Math.abs(r32(t - p))) / den));
  return [v, (p > t ? 100 : p < t ? -100 : 0) / den];
}

