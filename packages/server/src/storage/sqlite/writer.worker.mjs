// Entry of the SQLite writer thread: loads the TypeScript worker through tsx.
import { register } from 'tsx/esm/api';

register();
await import('./writer.worker.ts');
