// bench/express/server.js - the peer receiver for `make bench`.
//
// Where it comes from: Circularo's webhook documentation
// (https://developers.circularo.com/developers/latest/webhooks and
// .../2-consuming-webhooks) tells receivers to "create your own HMAC hash
// over received payload buffer (using SHA256, hexadecimal encoding)" and
// compare it with the `x-circularo-signature` header; the example code on
// those pages could not be read in full (see
// /work/shared/reference/circularo-ignisign.md, section 1.5). The handler
// below is therefore the canonical Express receiver for exactly that scheme,
// written the way Express/Node webhook docs do it:
//   app.post(path, express.raw({ type: 'application/json' }), (req, res) => {
//     expected = crypto.createHmac('sha256', secret).update(req.body).digest('hex')
//     crypto.timingSafeEqual(...) -> 401 on mismatch
//     JSON.parse(req.body) -> handle the event -> 200 })
//
// What was added for the benchmark (and nothing else):
//   1. express.raw's `limit` is raised from its 100 kB default to 2 MB, or the
//      1 MB bodies would get 413;
//   2. the same spool write as hookspool: write tmp/ID (fs.openSync 'wx'),
//      fs.fsyncSync, close, fs.renameSync into new/ID, fs.fsyncSync on new/
//      - both fsyncs only when DURABLE=1 (hookspool "durable": true);
//   3. a JSON answer like hookspool's ({"status":"accepted","id":...});
//   4. the cluster module: WORKERS worker processes share the port (the
//      primary distributes connections, Node's default on Linux), the same
//      process count hookspool gets from lighttpd's max-procs.
// Only the envelope hookspool wraps around the body is not written: the
// file holds the raw body, which is slightly less work than hookspool does.
//
// Environment: PORT (127.0.0.1 only), WORKERS, SPOOL (directory; tmp/ and
// new/ are created), DURABLE (1|0), CIRCULARO_HMAC_SECRET.
'use strict';

const cluster = require('node:cluster');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const PORT = Number(process.env.PORT || 3000);
const WORKERS = Number(process.env.WORKERS || 1);
const SPOOL = process.env.SPOOL;
const DURABLE = process.env.DURABLE !== '0';
const SECRET = process.env.CIRCULARO_HMAC_SECRET;

if (!SPOOL || !SECRET) {
  console.error('server.js: set SPOOL and CIRCULARO_HMAC_SECRET');
  process.exit(2);
}

if (cluster.isPrimary) {
  fs.mkdirSync(path.join(SPOOL, 'tmp'), { recursive: true });
  fs.mkdirSync(path.join(SPOOL, 'new'), { recursive: true });
  let listening = 0;
  for (let i = 0; i < WORKERS; i++) cluster.fork();
  cluster.on('listening', () => {
    if (++listening === WORKERS) console.log(`ready ${WORKERS} workers on ${PORT}`);
  });
  cluster.on('exit', (w, code, sig) => {
    console.error(`worker ${w.process.pid} exited (${code ?? sig})`);
  });
  const stop = () => {
    for (const id in cluster.workers) cluster.workers[id].process.kill('SIGTERM');
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  const express = require('express');
  const app = express();
  const host = os.hostname().replace(/[^A-Za-z0-9.-]/g, '_');
  const newDir = path.join(SPOOL, 'new');
  let seq = 0;

  // (2) the durable Maildir write: tmp/, fsync, rename into new/, fsync dir
  function spool(body) {
    const now = process.hrtime.bigint();
    const id = `${Date.now()}.N${now}P${process.pid}Q${++seq}.${host}`;
    const tmp = path.join(SPOOL, 'tmp', id);
    const fd = fs.openSync(tmp, 'wx', 0o640);
    try {
      let off = 0;
      while (off < body.length) off += fs.writeSync(fd, body, off, body.length - off);
      if (DURABLE) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path.join(newDir, id));
    if (DURABLE) {
      const dfd = fs.openSync(newDir, 'r');
      try {
        fs.fsyncSync(dfd);
      } finally {
        fs.closeSync(dfd);
      }
    }
    return id;
  }

  app.post('/webhooks/circularo',
    express.raw({ type: 'application/json', limit: '2mb' }), // (1)
    (req, res) => {
      const signature = req.get('x-circularo-signature') || '';
      const expected = crypto.createHmac('sha256', SECRET)
        .update(req.body)
        .digest('hex');
      const got = Buffer.from(signature.toLowerCase(), 'utf8');
      const want = Buffer.from(expected, 'utf8');
      if (got.length !== want.length || !crypto.timingSafeEqual(got, want)) {
        return res.status(401).json({ status: 'error', error: 'bad signature' });
      }
      let event;
      try {
        event = JSON.parse(req.body);
      } catch (e) {
        return res.status(400).json({ status: 'error', error: 'malformed JSON' });
      }
      if (!event || typeof event.event !== 'string') {
        return res.status(400).json({ status: 'error', error: 'no event' });
      }
      let id;
      try {
        id = spool(req.body); // (2)
      } catch (e) {
        console.error(`spool: ${e.message}`);
        return res.status(503).set('Retry-After', '30')
          .json({ status: 'error', error: 'could not store the event; retry later' });
      }
      res.json({ status: 'accepted', id, queue: 'inbox' }); // (3)
    });

  app.listen(PORT, '127.0.0.1');
}
