// Started only by build/Release/tsvisor (native/launcher/launcher.c), which renamed the
// environment's NODE_EXTRA_CA_CERTS entry to TSVISOR_HELD_NODE_EXTRA_CA_CERTS, in place, so
// that this node would not load the CA bundle it names. The rename is undone here: in the
// environment tsvisor gives its programs (same place, same value) and in process.env.
import { main } from '../dist/bundle/main.mjs';

const HELD = 'TSVISOR_HELD_NODE_EXTRA_CA_CERTS';
const NAME = 'NODE_EXTRA_CA_CERTS';

/** process.env in its order, with the held entry under its own name again. */
const environ = {};
for (const [key, value] of Object.entries(process.env)) environ[key === HELD ? NAME : key] = value;
process.env[NAME] = process.env[HELD];
delete process.env[HELD];

main(process.argv.slice(2), environ).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`tsvisor: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(125);
  },
);
