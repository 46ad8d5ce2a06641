// tests/senders/send.mjs SPEC_JSON - sign one delivery with the sender's own
// published library, send it over HTTP with Node's fetch, print one JSON line.
//
// SPEC fields:
//   sender       standardwebhooks | svix | stripe | github
//   url          where to POST
//   secret       the secret the receiver is configured with
//   sign_secrets secrets the sender signs with (default [secret]); several
//                give several signatures, as during a key rotation
//   id           webhook-id / svix-id, Stripe event id, X-GitHub-Delivery
//   event        type (Standard Webhooks, Svix, Stripe) or X-GitHub-Event
//   object_id    data.id / data.object.id / repository id part
//   ts_offset    seconds added to now for the signature timestamp (default 0)
//   tamper       change one value of the body after signing
//   body_from    send the bytes of this file instead of a fresh body (a
//                redelivery of the same message)
//   save         write the exact bytes sent here
//
// Output: {"code":…, "answer":…, "lib_ok":…, "readme_ok":…, "sha256":…,
//          "ts":…, "headers":{…}}
//   lib_ok     what the same library's own verify function says about the
//              request as sent (checked against `secret`, with its default
//              tolerance and the real clock)
//   readme_ok  whether the library's signature equals the one computed the way
//              hookspool's README says the scheme works (node:crypto, not the
//              library)
import { createHash, createHmac } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";

const spec = JSON.parse(process.argv[2]);
// Only the sender's own library is loaded (each takes 0.1-0.2 s).
const lib = await import({
	standardwebhooks: "standardwebhooks",
	svix: "svix",
	stripe: "stripe",
	github: "@octokit/webhooks-methods",
}[spec.sender]);
const now = Math.floor(Date.now() / 1000);
const ts = now + (spec.ts_offset ?? 0);
const signSecrets = spec.sign_secrets ?? [spec.secret];

// Realistic bodies, built the way each sender serialises them.
function freshBody() {
	const created = ts;
	switch (spec.sender) {
	case "standardwebhooks":
	case "svix":
		// What an application hands to Svix: its own JSON, sent compact.
		return JSON.stringify({
			type: spec.event,
			timestamp: new Date(created * 1000).toISOString(),
			data: { id: spec.object_id, customer: "Zoë Müller", amount: 4200, currency: "EUR" },
		});
	case "stripe":
		// Stripe's webhook bodies are pretty-printed with two spaces.
		return JSON.stringify({
			id: spec.id,
			object: "event",
			api_version: "2024-06-20",
			created,
			data: {
				object: {
					id: spec.object_id,
					object: spec.event.split(".")[0],
					amount_paid: 2000,
					currency: "eur",
					customer_name: "Zoë Müller",
					status: "paid",
				},
			},
			livemode: false,
			pending_webhooks: 1,
			request: { id: null, idempotency_key: null },
			type: spec.event,
		}, null, 2);
	case "github":
		return JSON.stringify({
			ref: "refs/heads/main",
			before: "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
			after: "76ae82a0f31a15d4d6e3c4f1b2e7ad3c0f1b2e7a",
			repository: { id: 1296269, full_name: `octo-org/${spec.object_id}`, private: false },
			pusher: { name: "octocat", email: "octocat@github.com" },
			sender: { login: "octocat", id: 583231, type: "User" },
			head_commit: { id: "76ae82a0f31a15d4d6e3c4f1b2e7ad3c0f1b2e7a", message: "Füge Übersetzung hinzu ✓" },
		});
	default:
		throw new Error(`unknown sender ${spec.sender}`);
	}
}

const body = spec.body_from ? readFileSync(spec.body_from, "utf8") : freshBody();

const b64key = (s) => Buffer.from(s.startsWith("whsec_") ? s.slice(6) : s, "base64");
const hmac = (key, text, enc) => createHmac("sha256", key).update(text, "utf8").digest(enc);

const headers = {};
let readmeOk;
let verifyLib;
switch (spec.sender) {
case "standardwebhooks": {
	const sigs = signSecrets.map((s) => new lib.Webhook(s).sign(spec.id, new Date(ts * 1000), body));
	headers["content-type"] = "application/json";
	headers["webhook-id"] = spec.id;
	headers["webhook-timestamp"] = String(ts);
	headers["webhook-signature"] = sigs.join(" ");
	readmeOk = sigs.every((sig, i) => sig === `v1,${hmac(b64key(signSecrets[i]), `${spec.id}.${ts}.${body}`, "base64")}`);
	verifyLib = (sent) => new lib.Webhook(spec.secret).verify(sent, headers);
	break;
}
case "svix": {
	const sigs = signSecrets.map((s) => new lib.default.Webhook(s).sign(spec.id, new Date(ts * 1000), body));
	headers["content-type"] = "application/json";
	headers["user-agent"] = "Svix-Webhooks/1.99.1";
	headers["svix-id"] = spec.id;
	headers["svix-timestamp"] = String(ts);
	headers["svix-signature"] = sigs.join(" ");
	readmeOk = sigs.every((sig, i) => sig === `v1,${hmac(b64key(signSecrets[i]), `${spec.id}.${ts}.${body}`, "base64")}`);
	verifyLib = (sent) => new lib.default.Webhook(spec.secret).verify(sent, headers);
	break;
}
case "stripe": {
	const stripe = new lib.default("sk_test_hookspool_senders_suite");
	// One header per signing secret, merged as Stripe does: t=…,v1=…,v1=…
	const parts = signSecrets.map((s) => stripe.webhooks.generateTestHeaderString({ payload: body, secret: s, timestamp: ts }));
	const v1s = parts.map((p) => p.split(",").slice(1).join(","));
	headers["content-type"] = "application/json; charset=utf-8";
	headers["user-agent"] = "Stripe/1.0 (+https://stripe.com/docs/webhooks)";
	// Test-mode events also carry a v0= signature (another key), which
	// receivers must ignore.
	const v0 = `v0=${hmac("whsec_stripe_v0_scheme_key", `${ts}.${body}`, "hex")}`;
	headers["stripe-signature"] = [`t=${ts}`, ...v1s, v0].join(",");
	// README: the key is the whole whsec_… string.
	readmeOk = v1s.every((v, i) => v === `v1=${hmac(signSecrets[i], `${ts}.${body}`, "hex")}`);
	verifyLib = (sent) => stripe.webhooks.constructEvent(sent, headers["stripe-signature"], spec.secret);
	break;
}
case "github": {
	const sigs = await Promise.all(signSecrets.map((s) => lib.sign(s, body)));
	headers["content-type"] = "application/json";
	headers["user-agent"] = "GitHub-Hookshot/044aadd";
	headers["x-github-event"] = spec.event;
	headers["x-github-delivery"] = spec.id;
	headers["x-github-hook-id"] = "292430182";
	headers["x-hub-signature"] = `sha1=${createHmac("sha1", signSecrets[0]).update(body, "utf8").digest("hex")}`;
	headers["x-hub-signature-256"] = sigs[0];
	readmeOk = sigs[0] === `sha256=${hmac(signSecrets[0], body, "hex")}`;
	verifyLib = async (sent) => {
		if (!(await lib.verify(spec.secret, sent, headers["x-hub-signature-256"]))) throw new Error("no match");
	};
	break;
}
default:
	throw new Error(`unknown sender ${spec.sender}`);
}

// The tampered body: one value changed after signing.
let sent = body;
if (spec.tamper) {
	sent = body.replace(/(\d)(\d*)/, (m, d, rest) => String((Number(d) + 1) % 10) + rest);
	if (sent === body) throw new Error("tamper: nothing changed");
}

let libOk = true;
try {
	await verifyLib(sent);
} catch {
	libOk = false;
}

if (spec.save) writeFileSync(spec.save, sent);

const res = await fetch(spec.url, { method: "POST", body: sent, headers, redirect: "manual" });
const text = await res.text();
let answer;
try {
	answer = JSON.parse(text);
} catch {
	answer = text;
}
process.stdout.write(JSON.stringify({
	code: res.status,
	answer,
	lib_ok: libOk,
	readme_ok: readmeOk,
	sha256: createHash("sha256").update(sent, "utf8").digest("hex"),
	ts,
	headers,
}) + "\n");
