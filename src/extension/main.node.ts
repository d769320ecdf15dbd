/** dist/extension.js, package.json `main` (Node extension host): loads dist/esm/node/extension.js. */
import { stubFor } from './stub';

export const { activate, deactivate } = stubFor('node/extension');
