/**
 * OpenAPI 3.1 description of the routes that are not KMIP (`GET /openapi.json`). The KMIP
 * routes are listed too, with their bodies described as KMIP TTLV (see the KMIP specifications).
 */

const errorSchema = {
  type: 'object',
  required: ['error', 'reason', 'message'],
  properties: {
    error: { type: 'string', description: 'Stable error code, e.g. ERR_KMS_PERMISSION_DENIED' },
    reason: { type: 'string', description: 'KMIP Result Reason, e.g. Permission_Denied' },
    message: { type: 'string' },
  },
};

const grantBody = {
  type: 'object',
  required: ['unique_identifier', 'user_id', 'operation_types'],
  properties: {
    unique_identifier: {
      type: 'string',
      description: 'Object identifier, or "*" for the create right',
    },
    user_id: { type: 'string', description: 'Grantee, or "*" for everyone' },
    operation_types: {
      type: 'array',
      items: { type: 'string' },
      description:
        'Rights: activate addattribute decrypt deleteattribute derivekey destroy encrypt export get getattributes import locate mac modifyattribute rekey revoke setattribute (or create on "*")',
    },
  },
};

const errors = {
  '401': {
    description: 'Authentication failed',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  },
  '403': {
    description: 'Permission denied',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  },
  '404': {
    description: 'Object not found',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  },
};

const json = (schema: unknown): unknown => ({ content: { 'application/json': { schema } } });

/** The document (a plain object, serialized as JSON). */
export function openApiDocument(version: string): unknown {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Custos KMS',
      version,
      description:
        'Key-management server. KMIP requests go to /kmip (binary, JSON, XML) and /kmip/2_1 (JSON); the routes below manage rights and report health.',
    },
    components: {
      schemas: { Error: errorSchema, Grant: grantBody },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token or an OIDC JWT' },
        mtls: { type: 'mutualTLS' },
      },
    },
    security: [{ bearer: [] }, { mtls: [] }, {}],
    paths: {
      '/health': {
        get: {
          summary: 'Liveness and database status',
          security: [],
          responses: {
            '200': { description: 'Up', ...(json({ type: 'object' }) as object) },
            '503': { description: 'The database is unreachable' },
          },
        },
      },
      '/version': {
        get: {
          summary: 'Server version',
          security: [],
          responses: { '200': { description: 'Version', ...(json({ type: 'string' }) as object) } },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics',
          security: [],
          responses: {
            '200': { description: 'Text exposition format', content: { 'text/plain': {} } },
          },
        },
      },
      '/openapi.json': {
        get: {
          summary: 'This document',
          security: [],
          responses: { '200': { description: 'OpenAPI 3.1' } },
        },
      },
      '/me': {
        get: {
          summary: 'The authenticated user',
          responses: {
            '200': {
              description: 'User',
              ...(json({ type: 'object', properties: { user: { type: 'string' } } }) as object),
            },
            ...errors,
          },
        },
      },
      '/kmip/2_1': {
        post: {
          summary: 'KMIP 2.1 JSON: a bare operation ({"tag":"Encrypt",...}) or a Request Message',
          requestBody: json({ type: 'object' }),
          responses: {
            '200': {
              description: 'The operation response or a Response Message',
              ...(json({ type: 'object' }) as object),
            },
            '400': { description: 'Invalid message' },
            ...errors,
          },
        },
      },
      '/kmip': {
        post: {
          summary: 'KMIP Request Message in binary TTLV, JSON or XML (by Content-Type)',
          requestBody: {
            content: { 'application/octet-stream': {}, 'application/json': {}, 'text/xml': {} },
          },
          responses: {
            '200': { description: 'Response Message in the same encoding' },
            '413': { description: 'Request too large' },
            '415': { description: 'Unsupported Content-Type' },
          },
        },
      },
      '/access/grant': {
        post: {
          summary: 'Grant rights on an object (owner only)',
          requestBody: json({ $ref: '#/components/schemas/Grant' }),
          responses: { '200': { description: 'Granted' }, ...errors },
        },
      },
      '/access/revoke': {
        post: {
          summary: 'Revoke rights on an object (owner only)',
          requestBody: json({ $ref: '#/components/schemas/Grant' }),
          responses: { '200': { description: 'Revoked' }, ...errors },
        },
      },
      '/access/list/{uid}': {
        get: {
          summary: 'Grants on an object (owner only)',
          parameters: [{ name: 'uid', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': {
              description: 'Grants',
              ...(json({
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    user_id: { type: 'string' },
                    operations: { type: 'array', items: { type: 'string' } },
                  },
                },
              }) as object),
            },
            ...errors,
          },
        },
      },
      '/access/owned': {
        get: {
          summary: 'Objects the caller owns',
          responses: {
            '200': { description: 'Objects', ...(json({ type: 'array' }) as object) },
            ...errors,
          },
        },
      },
      '/access/obtained': {
        get: {
          summary: 'Objects others granted the caller rights on',
          responses: {
            '200': { description: 'Objects', ...(json({ type: 'array' }) as object) },
            ...errors,
          },
        },
      },
      '/access/create': {
        get: {
          summary: 'Whether the caller may create objects',
          responses: { '200': { description: '{"has_create_permission":bool}' }, ...errors },
        },
      },
      '/access/privileged': {
        get: {
          summary: 'Whether the caller is a privileged user',
          responses: { '200': { description: '{"has_privileged_access":bool}' }, ...errors },
        },
      },
    },
  };
}
