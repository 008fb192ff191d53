// `npm run docs:syscalls`: writes docs/syscalls.md from the syscall table (see
// renderSyscallsMarkdown). test/unit/syscalls_doc.test.ts fails when the file is out of date.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { renderSyscallsMarkdown, syscallRows } from './syscalls_command.js';

/** This file runs from dist/src/cli/. */
const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const SYSCALLS_DOC_PATH = path.join(packageRoot, 'docs', 'syscalls.md');

const text = renderSyscallsMarkdown(syscallRows(null));
fs.writeFileSync(SYSCALLS_DOC_PATH, text);
process.stdout.write(`wrote ${path.relative(process.cwd(), SYSCALLS_DOC_PATH)}\n`);
