/** Entry point: `node dist/server.js --stdio` (or --node-ipc, as VS Code starts it). */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { nodeFileHost } from './node-host.js';
import { startServer } from './server.js';

const connection = createConnection(ProposedFeatures.all);
startServer(connection, { host: nodeFileHost });
connection.listen();
