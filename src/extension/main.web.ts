/** dist/web/extension.js, package.json `browser` (VS Code for the Web): loads dist/esm/web/extension.js. */
import { stubFor } from './stub';

export const { activate, deactivate } = stubFor('web/extension');
