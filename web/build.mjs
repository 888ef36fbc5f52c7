// Bundles the browser SDK with esbuild into dist/. Type checking is tsc's job (npm run build runs
// `tsc` first, which also writes the .d.ts files); esbuild only strips types and bundles.
//
//   dist/umbra-sdk.js          the SDK (ES module): what applications import
//   dist/umbra.js              the same SDK under the name `umbra serve` publishes at /sdk/umbra.js
//   dist/umbra.d.ts            its types (re-exports dist/types/, emitted by `tsc` in `npm run build`)
//   dist/umbra-e2ee.js         the umbra-e2ee-v1 core alone (ES module): tests, interop tools
//   dist/umbra-e2ee-worker.js  the encoded-transform worker (classic script for `new Worker(url)`)
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';

const root = dirname(fileURLToPath(import.meta.url));
const common = {
  bundle: true,
  sourcemap: true,
  target: ['es2022', 'chrome111'],
  platform: 'browser',
  logLevel: 'warning',
  legalComments: 'none',
};

await Promise.all([
  esbuild.build({
    ...common,
    entryPoints: { 'umbra-sdk': join(root, 'sdk/src/index.ts'), umbra: join(root, 'sdk/src/index.ts'), 'umbra-e2ee': join(root, 'sdk/src/e2ee/index.ts') },
    outdir: join(root, 'dist'),
    format: 'esm',
  }),
  esbuild.build({
    ...common,
    entryPoints: { 'umbra-e2ee-worker': join(root, 'sdk/src/e2ee/worker.ts') },
    outdir: join(root, 'dist'),
    format: 'iife',
  }),
]);

// Types for whoever imports /sdk/umbra.js from TypeScript (the .d.ts files come from tsc).
await mkdir(join(root, 'dist'), { recursive: true });
await writeFile(join(root, 'dist/umbra.d.ts'), "export * from './types/index.js';\n");
