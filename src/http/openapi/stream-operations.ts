// The operations of the live change stream and of the dashboard's static files.
import type { JsonObject } from './json.js';
import { errorResponses, param, READ_QUERY } from './parameters.js';

const query = (name: string, description: string, schema: JsonObject = { type: 'string' }): JsonObject => ({
  name,
  in: 'query',
  required: false,
  schema,
  description,
});

const page = (description: string): JsonObject => ({
  200: { description, content: { 'text/html': { schema: { type: 'string' } } } },
});

export const STREAM_OPERATIONS: Record<string, () => JsonObject> = {
  'GET /api/upgradestatusinfo/stream': () => ({
    operationId: 'stream_upgradestatusinfo',
    tags: ['UpgradeStatusInfo'],
    summary: 'Live changes, as Server-Sent Events',
    description:
      'One event per create, update and delete of the objects the caller may read in its tenant: ' +
      '`id: <seq>`, `event: create|update|delete`, `data:` the object as GET would answer it ' +
      '(`{"uuid": ...}` for a delete). Resume with `Last-Event-ID` (or `last_event_id`); when those ' +
      'changes are no longer kept the stream sends `event: reset` (reload the list). Comments ' +
      '(`: keep-alive`) every 15 s. `version`, `tenant` and `tenant_uuid` stand in for the headers, ' +
      'which a browser EventSource cannot send.',
    parameters: [
      ...['XAviVersion', 'XAviTenant', 'XAviTenantUuid', ...READ_QUERY].map(param),
      {
        name: 'Last-Event-ID',
        in: 'header',
        required: false,
        schema: { type: 'string', pattern: '^\\d{1,15}$' },
        description: 'The id of the last event received: the stream resumes after it.',
      },
      query('last_event_id', 'The same as Last-Event-ID.', { type: 'string', pattern: '^\\d{1,15}$' }),
      query('version', 'The same as X-Avi-Version (the header wins).'),
      query('tenant', 'The same as X-Avi-Tenant (the header wins); `*`: every tenant.'),
      query('tenant_uuid', 'The same as X-Avi-Tenant-UUID (the header wins).'),
    ],
    responses: {
      200: {
        description: 'The event stream (open until the client or the server closes it).',
        content: { 'text/event-stream': { schema: { type: 'string' } } },
      },
      ...errorResponses('BadRequest', 'Unauthorized', 'Forbidden', 'Unavailable'),
    },
  }),
  'GET /ui': () => ({
    operationId: 'get_dashboard',
    tags: ['Documentation'],
    summary: 'The dashboard (a browser page; it logs in itself)',
    responses: page('The page.'),
  }),
  'GET /ui/:file': () => ({
    operationId: 'get_dashboard_file',
    tags: ['Documentation'],
    summary: 'A file of the dashboard (its script and style sheet)',
    parameters: [
      { name: 'file', in: 'path', required: true, schema: { type: 'string' }, description: 'The file name.' },
    ],
    responses: {
      200: { description: 'The file.', content: { '*/*': { schema: { type: 'string' } } } },
      ...errorResponses('NotFound'),
    },
  }),
};
