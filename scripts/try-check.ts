import { check, LineIndex } from '../grammar/src/index.ts';
import fs from 'node:fs';
const text = fs.readFileSync(process.argv[2]!, 'utf8');
const r = check(text);
const li = new LineIndex(text);
for (const d of r.diagnostics) { const p = li.position(d.span.start); console.log(`${p.line + 1}:${p.character + 1} ${d.severity} [${d.code}] ${d.message}`); }
if (process.argv[3]) console.log(JSON.stringify(r.model, null, 1));
