/** Entry point: `node dist/server.js --stdio` (or --node-ipc, as VS Code starts it). */
import { setFlagsFromString } from 'node:v8';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { nodeFileHost } from '../../session/src/index.js';
import { startServer } from './server.js';

// Each analysis of a large session allocates tens of MB of short-lived
// objects; a larger young generation means fewer scavenges per keystroke.
setFlagsFromString('--max-semi-space-size=32');

const connection = createConnection(ProposedFeatures.all);
startServer(connection, { host: nodeFileHost });
connection.listen();
