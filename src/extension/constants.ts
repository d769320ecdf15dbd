/** Command ids, setting keys and other names shared by the extension's modules (and read by the e2e suite). */

export const EXTENSION_ID = 'loss-inspector.loss-inspector';

export const Commands = {
  computeLoss: 'lossInspector.computeLoss',
  openPanel: 'lossInspector.openPanel',
  copyResult: 'lossInspector.copyResult',
  clearResults: 'lossInspector.clearResults',
  explain: 'lossInspector.explain',
  revealResult: 'lossInspector.revealResult',
  raiseInputLimit: 'lossInspector.raiseInputLimit',
  computeLossWith: 'lossInspector.computeLossWith',
  watchLoss: 'lossInspector.watchLoss',
  /** Test-only, not contributed in package.json: `{ decorations: { uri; line (1-based); text }[] }`. */
  state: 'lossInspector._state',
} as const;

/** Commands a hover/decoration Markdown may run (`isTrusted.enabledCommands`): only our own. */
export const TRUSTED_COMMANDS: string[] = [Commands.openPanel, Commands.computeLoss, Commands.explain, Commands.copyResult, Commands.revealResult, Commands.raiseInputLimit];

export const CONFIG_SECTION = 'lossInspector';

export const Settings = {
  precision: 'precision',
  maxInputChars: 'maxInputChars',
  maxDepth: 'maxDepth',
  semantics: 'semantics',
  codeLensEnabled: 'codeLens.enabled',
  hoverEnabled: 'hover.enabled',
  hoverImages: 'hover.images',
  defaultLoss: 'defaultLoss',
  workerThresholdChars: 'worker.thresholdChars',
  timeoutSeconds: 'worker.timeoutSeconds',
  debugMaxElements: 'debug.maxElements',
} as const;

/** Context key set while some document shows results (enables Copy/Clear in the palette). */
export const CONTEXT_HAS_RESULTS = 'lossInspector.hasResults';

export const PANEL_VIEW_TYPE = 'lossInspector.panel';
export const DIAGNOSTIC_COLLECTION = 'Loss Inspector';
export const OUTPUT_CHANNEL = 'Loss Inspector';
/** workspaceState key of the last loss and parameters picked for a two-array selection. */
export const LAST_CHOICE_KEY = 'lossInspector.lastChoice';
/** Scheme of the read-only documents that show a loss's documentation (Explain Loss…). */
export const DOC_SCHEME = 'loss-inspector-doc';

/** Languages whose editors offer Compute Loss (notebook cells are python documents). */
export const COMPUTE_LANGUAGES = ['python', 'javascript', 'typescript', 'javascriptreact', 'typescriptreact', 'json', 'jsonc'];
/** Languages with loss-name hovers and CodeLens. */
export const HOVER_LANGUAGES = ['python', 'javascript', 'typescript', 'javascriptreact', 'typescriptreact'];

/**
 * Default of lossInspector.maxInputChars: admits a 1000×1000 pair of float32 literals as NumPy prints them
 * (≈ 14 M characters) twice over; package.json's default must equal it (a unit test checks).
 */
/** Default bound on one array's elements a debugger value may have (lossInspector.debug.maxElements). */
export const DEFAULT_MAX_ELEMENTS = 4_000_000;

export const DEFAULT_MAX_INPUT_CHARS = 32_000_000;

/** Diagnostic code of the input-size refusal (its quick fix raises the setting). */
export const INPUT_TOO_LARGE = 'input-too-large';
