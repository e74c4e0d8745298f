// The ceiling for Node here: a bare Fastify route answering a constant JSON body of the same
// size as the real server's GET response. Started by bench/run.ts on the same loopback.
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';

const port = Number(process.env.PORT ?? 8090);
const body = readFileSync(process.env.BODY_FILE ?? '/dev/null', 'utf8');
const app = Fastify({ logger: false });
app.get('/*', async (_request, reply) => reply.type('application/json').send(body));
await app.listen({ port, host: '127.0.0.1' });
