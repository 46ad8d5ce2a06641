// tests/senders/documenso.mjs SPEC_JSON - Documenso's sending code path,
// reproduced from its public source (see shared reference documenso.md), for
// one multi-recipient document whose recipients open and sign one after
// another.
//
//   trigger-webhook.ts          one `internal.execute-webhook` job per webhook:
//                               {event, webhookId, data}
//   execute-webhook.handler.ts  per attempt: {event, payload: data,
//                               createdAt: new Date().toISOString(), webhookEndpoint: url}
//   execute-webhook-call.ts     fetch(url, {method: 'POST', body: JSON.stringify(body),
//                               redirect: 'manual', 10 s timeout, headers:
//                               {'Content-Type': 'application/json',
//                                'X-Documenso-Secret': secret ?? ''}})
//
// The document payload has the keys of ZWebhookDocumentSchema in schema order
// (zod's parse output), with Date values that JSON.stringify turns into ISO
// strings. Opening, signing and recipient completion update only Recipient
// rows, so the document's updatedAt moves only when it is sent and when it is
// sealed (Prisma @updatedAt on Envelope).
//
// SPEC: {"url", "secret", "out" (directory), "recipients" (2 or 3),
//        "retry" (index of the step to deliver again), "only" (optional: one
//        step, with "secret" possibly wrong, for the negative cases),
//        "doc_id", "title" and "title_units" (optional: the document's id,
//        and its title cut to that many UTF-16 code units)}
// Writes out/NN.json (the exact bytes of each attempt) and prints one JSON
// line per attempt: {step, event, recipient, attempt, code, answer, sha256,
// payload_sha256, createdAt, updatedAt, file}.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";

const spec = JSON.parse(process.argv[2]);
const WEBHOOK_TIMEOUT_MS = 10_000;

// --- execute-webhook-call.ts -------------------------------------------------
async function fetchWithTimeout(url, { timeoutMs, ...init }) {
	const controller = new AbortController();
	const timer = setTimeout(() => controller.abort(), timeoutMs);
	try {
		return await fetch(url, { ...init, signal: controller.signal });
	} finally {
		clearTimeout(timer);
	}
}

async function executeWebhookCall({ url, body, secret }) {
	const bodyText = JSON.stringify(body);
	try {
		const response = await fetchWithTimeout(url, {
			method: "POST",
			body: bodyText,
			redirect: "manual",
			timeoutMs: WEBHOOK_TIMEOUT_MS,
			headers: {
				"Content-Type": "application/json",
				"X-Documenso-Secret": secret ?? "",
			},
		});
		const text = await response.text();
		return { success: response.ok, responseCode: response.status, responseBody: text, bodyText };
	} catch (err) {
		return { success: false, responseCode: 0, responseBody: String(err), bodyText };
	}
}

// --- execute-webhook.handler.ts: the envelope, built once per attempt ----------
async function runJob({ event, data }, webhook) {
	const payloadData = {
		event,
		payload: data,
		createdAt: new Date().toISOString(),
		webhookEndpoint: webhook.webhookUrl,
	};
	const result = await executeWebhookCall({ url: webhook.webhookUrl, body: payloadData, secret: webhook.secret });
	return { ...result, createdAt: payloadData.createdAt };
}

// --- the document and its recipients (Prisma rows) ----------------------------
const min = 60_000;
const t0 = Date.now() - 30 * min;
const envelopeId = "envelope_k3v9mq2xw7hd4trb";
const people = [
	{ email: "mary.griffin@example.com", name: "Mary Griffin" },
	{ email: "zoe.mueller@example.de", name: "Zoë Müller" },
	{ email: "li.lei@example.cn", name: "李雷" },
].slice(0, spec.recipients ?? 3);

const doc = {
	id: spec.doc_id ?? 4711,
	envelopeId,
	externalId: "contract-2026-118",
	userId: 3,
	authOptions: null,
	formValues: null,
	visibility: "EVERYONE",
	title: "Rahmenvertrag 2026.pdf",
	status: "DRAFT",
	createdAt: new Date(t0),
	updatedAt: new Date(t0),
	completedAt: null,
	deletedAt: null,
	teamId: 7,
	templateId: null,
	source: "DOCUMENT",
	documentMeta: {
		id: "cm9documentmeta000001",
		subject: "Please sign: Rahmenvertrag 2026",
		message: "Hello, please review and sign this document.",
		timezone: "Etc/UTC",
		dateFormat: "yyyy-MM-dd hh:mm a",
		redirectUrl: null,
		signingOrder: "PARALLEL",
		allowDictateNextSigner: false,
		typedSignatureEnabled: true,
		uploadSignatureEnabled: true,
		drawSignatureEnabled: true,
		language: "en",
		distributionMethod: "EMAIL",
		emailSettings: null,
	},
};
// A title cut to N UTF-16 code units (as String.prototype.slice does) can end
// in half an emoji: JSON.stringify writes the lone surrogate as \udXXX.
if (spec.title !== undefined) doc.title = spec.title.slice(0, spec.title_units ?? spec.title.length);
const recipients = people.map((p, i) => ({
	id: 901 + i,
	envelopeId,
	documentId: doc.id,
	templateId: null,
	email: p.email,
	name: p.name,
	token: `tok${i + 1}Xq8rLm2Vw9Zp4NcT6yB`,
	documentDeletedAt: null,
	expiresAt: null,
	expirationNotifiedAt: null,
	signedAt: null,
	authOptions: { accessAuth: null, actionAuth: null },
	signingOrder: i + 1,
	rejectionReason: null,
	role: "SIGNER",
	readStatus: "NOT_OPENED",
	signingStatus: "NOT_SIGNED",
	sendStatus: "NOT_SENT",
}));

// mapEnvelopeToWebhookDocumentPayload + ZWebhookDocumentSchema.parse: a fresh
// object per trigger, recipients twice (`recipients` and the legacy `Recipient`).
function webhookDocument() {
	const rs = recipients.map((r) => ({ ...r }));
	return { ...doc, documentMeta: { ...doc.documentMeta }, recipients: rs, Recipient: rs.map((r) => ({ ...r })) };
}

// --- what happens, in order --------------------------------------------------
const steps = [];
let clock = t0 + 5 * min;
const trigger = (event, recipient) => steps.push({ event, recipient, data: webhookDocument() });

// send-document.ts: the envelope goes PENDING (updatedAt moves), every
// recipient is sent the email.
doc.status = "PENDING";
doc.updatedAt = new Date(clock);
for (const r of recipients) r.sendStatus = "SENT";
trigger("DOCUMENT_SENT", null);

for (const [i, r] of recipients.entries()) {
	// viewed-document.ts: only the Recipient row changes.
	clock += 3 * min;
	r.readStatus = "OPENED";
	trigger("DOCUMENT_OPENED", i + 1);
	// complete-document-with-token.ts: only the Recipient row changes;
	// DOCUMENT_RECIPIENT_COMPLETED right after the transaction,
	// DOCUMENT_SIGNED at the end (after the next-signer and seal steps).
	clock += 2 * min;
	r.signingStatus = "SIGNED";
	r.signedAt = new Date(clock);
	trigger("DOCUMENT_RECIPIENT_COMPLETED", i + 1);
	trigger("DOCUMENT_SIGNED", i + 1);
}

// seal-document.handler.ts: the envelope is COMPLETED (updatedAt moves).
clock += 20;
doc.status = "COMPLETED";
doc.completedAt = new Date(clock - 1);
doc.updatedAt = new Date(clock);
trigger("DOCUMENT_COMPLETED", null);

// --- deliver ----------------------------------------------------------------------
const webhook = { id: 12, webhookUrl: spec.url, secret: spec.secret };
const sha = (s) => createHash("sha256").update(s, "utf8").digest("hex");
let n = 0;
const plan = steps.map((s, i) => ({ ...s, step: i, attempt: 1 }));
if (spec.retry !== undefined) plan.push({ ...steps[spec.retry], step: spec.retry, attempt: 2 });
const todo = spec.only !== undefined ? [plan[spec.only]] : plan;
let lastCreatedAt = "";
for (const p of todo) {
	// The job's payload is stored as JSON between attempts; a retry sends the
	// same data with a new createdAt.
	// (Two attempts in the same millisecond would carry the same createdAt;
	// a real retry comes later.)
	while (new Date().toISOString() === lastCreatedAt) await new Promise((ok) => setTimeout(ok, 1));
	const r = await runJob({ event: p.event, data: p.data }, webhook);
	lastCreatedAt = r.createdAt;
	const file = `${spec.out}/${String(n++).padStart(2, "0")}.json`;
	writeFileSync(file, r.bodyText);
	let answer;
	try {
		answer = JSON.parse(r.responseBody);
	} catch {
		answer = r.responseBody;
	}
	process.stdout.write(JSON.stringify({
		step: p.step,
		event: p.event,
		recipient: p.recipient,
		attempt: p.attempt,
		code: r.responseCode,
		answer,
		sha256: sha(r.bodyText),
		payload_sha256: sha(JSON.stringify(p.data)),
		createdAt: r.createdAt,
		updatedAt: p.data.updatedAt.toISOString(),
		file,
	}) + "\n");
}
