// Started only by the launcher, build/Release/tsvisor, when it does not start node from the
// start-up snapshot (see src/cli/launched.ts).
import { launchedMain } from '../dist/bundle/launched.mjs';

launchedMain(process.argv.slice(2));
