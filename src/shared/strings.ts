/**
 * The panel's own words, in English, keyed by id. The webview shows them; the host translates each with
 * vscode.l10n.t (the English text is the bundle key, so `npm run l10n:export` adds these to l10n/bundle.l10n.json)
 * and hands the dictionary to the webview inside its HTML (a JSON data block, which the nonce CSP does not execute).
 * Text that comes from the core (warnings, notes, reduction text, loss docs) and Python syntax (None, True) is not
 * in here. `{0}`, `{1}` are placeholders, in the order of fmt()'s arguments.
 */
export const WEBVIEW_STRINGS = {
  loading: 'Loading…',
  lossAndReduction: 'Loss and reduction',
  loss: 'Loss',
  reduction: 'Reduction',
  compareLosses: 'Compare losses',
  resetParameters: 'Reset parameters',
  exportCsv: 'Export CSV',
  exportCsvTitle: 'Save the numbers as CSV',
  pythonSnippet: 'Python snippet',
  pythonSnippetTitle: 'Open a Python snippet that reproduces this result',
  cannotEvaluate: 'This call cannot be evaluated',
  result: 'Result',
  parameters: 'Parameters',
  howValueCame: 'How the value came to be',
  lossesToCompare: 'Losses to compare (default parameters, same sweep)',
  sweptElement: 'Swept element',
  figCurve: 'Loss curve',
  figCompare: 'Compared losses',
  figSamples: 'Per-sample losses',
  figGrad: 'Gradient dL/dy_pred',
  figWatch: 'Loss at each debugger stop',
  watchBadSeries: 'Stops with NaN/inf',
  watchAria: '{0} at {1} stops, from {2} to {3}; {4} stop(s) with non-finite inputs or results.',
  watchEnded: 'The debug session ended after {0} stop(s).',
  watchWaiting: 'Waiting for the next stop…',
  colStop: 'Stop',
  colWhere: 'Paused at',
  colValue: 'Value',
  colNote: 'Note',
  stopAxis: 'debugger stop',
  savePng: 'Save “{0}” as PNG',
  seeTable: '{0}: see the data table below.',
  dataTable: 'Data table',
  pickLoss: 'Pick a loss…',
  userDefined: '{0} (user-defined)',
  noneToggle: 'None',
  reductionNone: 'None (per-sample)',
  warningBadge: 'warning',
  clipped: '{0} element(s) of y_pred clipped to [{1}, {2}]{3}.',
  clippedIndices: ' (flat indices {0})',
  smoothedLabels: 'Labels after smoothing/conversion: {0}.',
  renormalized: '{0} row(s) of y_pred renormalised to sum 1 (rows {1}; sums {2}).',
  weightsApplied: 'Sample weights applied: {0}.',
  noCurve: 'No curve for this loss.',
  colLoss: 'loss',
  colGradient: 'gradient',
  colCurrent: 'current {0}',
  colSample: 'sample',
  colWeight: 'weight',
  colWeighted: 'weighted',
  colAsReduced: 'as reduced',
  colIndex: 'index',
  allSamples: 'all',
  curveTable: 'Loss and gradient as {0} sweeps',
  curveAria: 'Loss curve of {0}: the loss goes from {1} to {2} as {3} sweeps {4} to {5}; gradient on the right axis.',
  curveAriaCurrent: ' Current input: x = {0}, loss {1}, gradient {2}.',
  currentSeries: '{0} (current)',
  compareAria: 'Compared losses on the same sweep of {0}: {1}.',
  scalarPerSample: 'The loss function returns one value ({0}) for rank-1 inputs; the sample weights broadcast it to {1} values.',
  perSampleBroadcast: 'Per-sample losses {0} broadcast with the weights to {1}.',
  aScalar: 'a scalar',
  samplesAria: 'Per-sample losses ({0} values); the reduction: {1}.',
  samplesAriaWeighted: 'Per-sample losses ({0} values, unweighted and weighted); the reduction: {1}.',
  heatmapAria: 'Gradient of the result with respect to y_pred, shape ({0}), as a heatmap of {1} rows by {2} columns; negative and positive values in two colours. Click a cell, or use the arrow keys, to sweep that element.',
  heatmapNote: 'Colour: blue = negative, orange = positive, intensity up to |dL/dy_pred| = {0}; outlined: the swept element.',
  heatmapBinned: ' The whole {0} × {1} array in {2} × {3} cells: each shows the element of largest |dL/dy_pred| in it.',
  heatmapCell: 'rows {0}–{1}, columns {2}–{3}: largest |dL/dy_pred|',
  barsAria: 'Gradient of the result with respect to each of the {0} y_pred elements, as bars. Click a bar, or use the arrow keys, to sweep that element.',
  tensorResult: 'The result is a tensor (shape ({0})): this is the gradient of the sum of its values. {1}',
  gradTable: 'Gradient of the result w.r.t. y_pred',
  goToCall: 'Go to the call in the editor',
  chartNotDrawn: 'The {0} chart is not drawn.',
  noAnswer: 'No answer from the extension to {0}.',
  cannotDraw: 'The panel could not draw this state: {0}',
  evaluatedIn: 'evaluated in {0} ms',
  lossOf: 'loss ({0})',
  currentInput: 'current input',
  perSampleUnweighted: 'per-sample loss (unweighted)',
  weightedTimes: 'weighted (× sample weight)',
  asReducedMasked: 'as reduced (masked)',
  perSampleLoss: 'per-sample loss',
  weightTooltip: 'weight: {0}',
  yPredElement: 'y_pred element',
  paramValueAria: '{0} value',
  returnsAria: '{0} returns {1}',
  lossClass: 'class {0}',
  lossFunction: 'function {0}',
  moreRows: '… {0} more rows (Export CSV has all of them)',
  familyRegression: 'regression',
  familyProbabilistic: 'probabilistic',
  familyHinge: 'hinge',
  familySimilarity: 'similarity',
  familySegmentation: 'segmentation',
  familyMetricLearning: 'metric-learning',
  familySequence: 'sequence',
  pagerAria: 'Pages of the values',
  pagePrev: 'Previous page',
  pageNext: 'Next page',
  pageSlider: 'Page',
  pageRange: 'values {0}–{1} of {2}',
  torchCall: 'The PyTorch call',
  torchComputed: 'computed in {0}',
  figGradTorch: 'Gradient d result / d {0}',
  torchNone: "reduction='none' gives",
  torchGrad: 'd result / d {0}: {1}',
  viewTabs: 'Views',
  tabPlots: 'Plots',
  tabFrameworks: 'Frameworks',
  figFrameworks: 'Each framework on the same sweep',
  fwCaption: 'The call in each framework, computed on your numbers',
  fwColFramework: 'Framework',
  fwColCall: 'Call',
  fwColSame: 'Same number',
  fwColWhy: 'Why it differs',
  fwSource: 'source',
  fwYes: 'yes',
  fwNo: 'no',
  fwCopy: 'Copy',
  fwCopyTitle: 'Copy a Python script (imports, arrays, call) that prints this number in its framework',
  fwCopyAria: 'Copy the snippet of {0}',
  fwPerExample: 'per example',
  fwYAxis: 'loss (sum of an unreduced result)',
  fwHiddenNote: 'Rows that return one value per example are plotted as their sum and start hidden: click their legend entry to show them. Dashed: rows that give the source\'s number on your input.',
  fwAria: '{0} framework rows on the same sweep of {1}, from {2} to {3}.',
} as const;

export type WebviewStringId = keyof typeof WEBVIEW_STRINGS;
export type WebviewStrings = Record<WebviewStringId, string>;

/** The id of the HTML data block that carries the translated dictionary. */
export const STRINGS_ELEMENT_ID = 'loss-inspector-strings';

/** Replaces {0}, {1}, … with the arguments (the same rule as vscode.l10n.t); unknown placeholders stay. */
export function formatString(message: string, args: readonly unknown[]): string {
  return message.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m));
}

/**
 * A dictionary the webview can trust: every id present as a string, the English default for anything missing or
 * malformed (a stale host, a hand-edited bundle), and a translation with other placeholders than the English
 * text falls back too, so a bad translation can never hide a number.
 */
export function completeStrings(given: unknown): WebviewStrings {
  const out = { ...WEBVIEW_STRINGS } as WebviewStrings;
  if (!given || typeof given !== 'object') return out;
  const holes = (s: string) => [...s.matchAll(/\{(\d+)\}/g)].map((m) => m[1]).sort().join(',');
  for (const id of Object.keys(WEBVIEW_STRINGS) as WebviewStringId[]) {
    const v = (given as Record<string, unknown>)[id];
    if (typeof v === 'string' && v.length > 0 && holes(v) === holes(WEBVIEW_STRINGS[id])) out[id] = v;
  }
  return out;
}
