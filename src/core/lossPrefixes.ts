/** Module prefixes users write before a Keras/tfa loss name (registry.ts and the light nameIndex.ts share them). */
const PREFIXES = [
  /^tf\.keras\.losses\./, /^tf\.compat\.v\d\.keras\.losses\./, /^keras\.losses\./, /^keras\.src\.losses\./, /^tensorflow\.keras\.losses\./,
  /^tfa\.losses\./, /^tensorflow_addons\.losses\./, /^losses\./, /^tf\.keras\.metrics\./, /^keras\.metrics\./, /^K\./,
];

/** Strips module prefixes (tf.keras.losses., tfa.losses., ...). */
export function stripPrefix(name: string): string {
  let n = name.trim();
  for (const p of PREFIXES) n = n.replace(p, '');
  return n;
}
