#!/usr/bin/env node
// The `ddsp` executable (package.json "bin"); from a checkout: npm run ddsp -- <command> …
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
