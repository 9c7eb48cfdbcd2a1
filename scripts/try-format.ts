import { format } from '../grammar/src/index.ts';
import fs from 'node:fs';
const r = format(fs.readFileSync(process.argv[2]!, 'utf8'));
if (r.ok) process.stdout.write(r.text); else console.log(r.problems);
