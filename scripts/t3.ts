import { parse } from '../grammar/src/parser.ts';
const r = parse(process.argv[2]!.replace(/\\n/g, '\n'));
console.log(r.problems.map(p=>p.message+' @'+p.span.start+'-'+p.span.end).join('\n'));
console.log(JSON.stringify(r.document.statements.map(s=>[s.kind, (s as any).name?.name, (s as any).body?.map((b:any)=>b.keyword)])));
