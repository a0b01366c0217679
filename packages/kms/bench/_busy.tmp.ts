import { createServer } from 'node:http';
const us = Number(process.argv[2] ?? 0);
const body = '{"tag":"EncryptResponse","value":[{"tag":"UniqueIdentifier","type":"TextString","value":"4f6f6d3b-1b2b-4c4d-8e8f-9a9b9c9d9e9f"},{"tag":"Data","type":"ByteString","value":"0011223344556677889900112233445566778899001122334455667788990011223344556677889900112233445566778899001122334455667788990011223344556677889900"},{"tag":"IVCounterNonce","type":"ByteString","value":"001122334455667788990011"},{"tag":"AuthenticatedEncryptionTag","type":"ByteString","value":"00112233445566778899001122334455"}]}';
const server = createServer((req, res) => {
  req.on('data', () => undefined);
  req.on('end', () => {
    if (us > 0) { const t = performance.now(); while (performance.now() - t < us / 1000); }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => { const a = server.address(); process.stdout.write(`PORT ${typeof a === 'object' && a ? a.port : 0}\n`); });
