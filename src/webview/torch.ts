/**
 * What a PyTorch result adds to the panel (ResultState.torch): the call's arguments in torch's order with their
 * shapes and dtypes, the grad_fn torch would print, the 'none' output as torch prints it, and the gradient of every
 * differentiable argument besides the first (whose gradient is the main gradient chart). Text only; every number
 * comes from the host.
 */
import type { ArrayView, ResultState } from '../shared/protocol';
import { h, byId, show, clear } from './dom';
import { fmt } from './format';
import { tr } from './i18n';

/** The section, placed after the summary (hidden for Keras results). */
export function torchSection(): HTMLElement {
  return h('section', { id: 'torch', class: 'torch-info', hidden: true, 'aria-label': tr('torchCall') },
    h('p', { id: 'torch-args', class: 'muted' }),
    h('div', { id: 'torch-none-wrap', hidden: true },
      h('span', { class: 'label', text: tr('torchNone') }),
      h('pre', { id: 'torch-none', class: 'torch-none' })),
    h('ul', { id: 'torch-grads', class: 'trace-list' }));
}

function shp(x: readonly number[]): string {
  return `(${x.join(', ')}${x.length === 1 ? ',' : ''})`;
}

function arr(v: ArrayView): string {
  const shown = v.values.slice(0, 8).map(fmt).join(', ');
  return `${shp(v.shape)} [${shown}${v.total > 8 ? ', …' : ''}]`;
}

/** Fills the section for a torch result, or hides it. Returns the label the argument names give the axes. */
export function renderTorch(s: ResultState): void {
  const t = s.torch;
  show(byId('torch'), !!t);
  // the gradient's title names the argument (torch) or y_pred (Keras)
  byId('title-grad').textContent = t ? tr('figGradTorch', t.args[0]?.name ?? 'input') : tr('figGrad');
  if (!t) return;
  byId('torch-args').textContent = [tr('torchComputed', t.dtype), ...t.args.map((a) => `${a.name} ${shp(a.shape)} ${a.dtype}`), `grad_fn=<${t.gradFn}>`].join(' · ');
  show(byId('torch-none-wrap'), !!t.noneText);
  byId('torch-none').textContent = t.noneText ?? '';
  const list = byId('torch-grads');
  clear(list);
  for (const g of t.grads) list.append(h('li', { 'data-grad': g.name, text: tr('torchGrad', g.name, arr(g.view)) }));
  show(list, t.grads.length > 0);
  // the shapes line names torch's arguments, not Keras's y_true / y_pred
  byId('shapes').textContent = tr(s.mode === 'class' ? 'lossClass' : 'lossFunction', s.callee) + ' · ' + t.args.map((a) => `${a.name} ${shp(a.shape)}`).join(' · ');
}

/** The names of the first two arguments (input, target) for axis titles and table headers; Keras's otherwise. */
export function argNames(s: ResultState): { pred: string; truth: string } {
  return s.torch ? { pred: s.torch.args[0]?.name ?? 'input', truth: s.torch.args[1]?.name ?? 'target' } : { pred: 'y_pred', truth: 'y_true' };
}
