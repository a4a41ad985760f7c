#!/usr/bin/env node
// The `nightshift` command: runs the TypeScript CLI through tsx (a devDependency, so this works
// inside the repository: `npx nightshift …`, or `npm link` for a global command).
import { register } from 'tsx/esm/api';

register();
await import('../cli/process-entry.ts');
