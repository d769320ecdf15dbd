/** Typed access to the `lossInspector.*` settings. */
import * as vscode from 'vscode';
import { CONFIG_SECTION, DEFAULT_MAX_ELEMENTS, DEFAULT_MAX_INPUT_CHARS, Settings } from './constants';

export interface LossInspectorSettings {
  precision: number;
  maxInputChars: number;
  maxDepth: number;
  codeLensEnabled: boolean;
  hoverEnabled: boolean;
  hoverImages: boolean;
  defaultLoss: string;
  workerThresholdChars: number;
  timeoutSeconds: number;
  semantics: 'auto' | 'keras3' | 'keras2';
  /** Largest array read from a paused program (elements). */
  debugMaxElements: number;
}

export function readSettings(scope?: vscode.ConfigurationScope): LossInspectorSettings {
  const c = vscode.workspace.getConfiguration(CONFIG_SECTION, scope);
  return {
    precision: c.get<number>(Settings.precision, 7),
    maxInputChars: c.get<number>(Settings.maxInputChars, DEFAULT_MAX_INPUT_CHARS),
    maxDepth: c.get<number>(Settings.maxDepth, 32),
    codeLensEnabled: c.get<boolean>(Settings.codeLensEnabled, true),
    hoverEnabled: c.get<boolean>(Settings.hoverEnabled, true),
    hoverImages: c.get<boolean>(Settings.hoverImages, true),
    defaultLoss: c.get<string>(Settings.defaultLoss, '').trim(),
    workerThresholdChars: c.get<number>(Settings.workerThresholdChars, 200_000),
    timeoutSeconds: c.get<number>(Settings.timeoutSeconds, 30),
    semantics: c.get<'auto' | 'keras3' | 'keras2'>(Settings.semantics, 'auto'),
    debugMaxElements: c.get<number>(Settings.debugMaxElements, DEFAULT_MAX_ELEMENTS),
  };
}
