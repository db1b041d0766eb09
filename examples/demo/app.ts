#!/usr/bin/env node
import { PropValidationError } from '../../infra/lib';
import { createApp } from './create-app';

// A bad prop or context value is the user's to fix: one line naming the value and the fix, no stack trace (cdk then
// reports that the app exited with an error). Anything else is a bug and keeps its stack.
try {
  createApp();
} catch (error) {
  if (!(error instanceof PropValidationError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
