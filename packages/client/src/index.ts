/**
 * `@custos/client`: the SDK of the Custos KMS. `KmsClient` has a typed method for every
 * operation of the server (keys of every kind, Covercrypt, FPE, certificates, access rights),
 * speaks KMIP over HTTP(S) with a bearer JWT, an API token or a client certificate, and turns
 * every failure into a `KmsClientError` carrying the KMIP Result Reason and message.
 */
export * from './client.ts';
export * from './errors.ts';
export * from './names.ts';
