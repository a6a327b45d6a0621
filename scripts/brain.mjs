#!/usr/bin/env node
// `brain` on the PATH (npm bin): registers tsx and runs the TypeScript CLI.
import { register } from 'tsx/esm/api';
register();
await import('../services/cli/main.ts');
