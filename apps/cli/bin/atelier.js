#!/usr/bin/env node
// The `atelier` command. TypeScript runs through tsx's loader: one source of truth, no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
