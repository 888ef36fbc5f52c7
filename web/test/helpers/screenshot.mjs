// Where a test writes a screenshot: into docs/ (committed, shown by the docs) only when
// UMBRA_UPDATE_SCREENSHOTS=1, else into a temporary directory, so `make check` leaves the tree clean.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './umbra_server.mjs';

let scratch = null;

export function screenshotPath(name) {
  if (process.env.UMBRA_UPDATE_SCREENSHOTS === '1') return join(repoRoot, 'docs', name);
  scratch ??= mkdtempSync(join(tmpdir(), 'umbra-screenshots-'));
  return join(scratch, name);
}
