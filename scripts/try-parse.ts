import { parse } from '/work/main/grammar/src/parser.ts';
import fs from 'node:fs';
const text = fs.readFileSync(process.argv[2],'utf8');
const t0=performance.now(); const r = parse(text); const t1=performance.now();
console.log(JSON.stringify(r.problems, null, 1), r.document.statements.length, (t1-t0).toFixed(1)+'ms');
if (process.argv[3]) console.log(JSON.stringify(r.document.statements, null, 1).slice(0, 3000));
