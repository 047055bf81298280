/** The pseudonym key: given by the operator, or generated once into the data folder (mode 0600). */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function loadPseudonymKey(dataDir: string, given?: string): Buffer {
  if (given) return Buffer.from(given, 'utf8');
  const dir = join(dataDir, 'secrets');
  const file = join(dir, 'pseudonym.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64'), { mode: 0o600 });
  return key;
}
