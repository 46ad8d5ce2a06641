// tests/senders/capture.mjs PORT_FILE - a one-request HTTP server on
// 127.0.0.1 that prints what arrived on the wire (method, path, header names
// and values as sent, the body), answers 200 and exits. It writes its port
// to PORT_FILE once listening. Used to check that the reproduced Documenso
// sender puts on the wire exactly what Documenso's code does.
import http from "node:http";
import { writeFileSync } from "node:fs";

const srv = http.createServer((req, res) => {
	const chunks = [];
	req.on("data", (c) => chunks.push(c));
	req.on("end", () => {
		const body = Buffer.concat(chunks);
		const headers = [];
		for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
		process.stdout.write(JSON.stringify({
			method: req.method,
			path: req.url,
			headers,
			body_len: body.length,
			body: body.toString("utf8"),
		}) + "\n");
		res.on("finish", () => {
			srv.close();
			srv.closeAllConnections?.();
		});
		res.writeHead(200, { "Content-Type": "application/json" });
		res.end('{"status":"ok"}');
	});
});
srv.listen(0, "127.0.0.1", () => writeFileSync(process.argv[2], String(srv.address().port)));
