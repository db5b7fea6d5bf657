// A worker thread starts without the parent's TypeScript loader (vitest's or tsx's): register
// tsx here, then run the thread's TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./esrganThread.ts');
