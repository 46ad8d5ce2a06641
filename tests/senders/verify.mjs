// tests/senders/verify.mjs CAPTURE_FILE SENDER SECRET - what the sender's own
// library says about a request captured by capture.mjs (for example one that
// `hookspool sign` sent): prints "true", or "false: <the library's error>".
// SENDER: standardwebhooks | svix | stripe | github
import { readFileSync } from "node:fs";

const [file, sender, secret] = process.argv.slice(2);
const cap = JSON.parse(readFileSync(file, "utf8"));
const headers = {};
for (const [k, v] of cap.headers) headers[k.toLowerCase()] = v;

try {
	switch (sender) {
	case "standardwebhooks": {
		const { Webhook } = await import("standardwebhooks");
		new Webhook(secret).verify(cap.body, headers);
		break;
	}
	case "svix": {
		const svix = (await import("svix")).default;
		new svix.Webhook(secret).verify(cap.body, headers);
		break;
	}
	case "stripe": {
		const Stripe = (await import("stripe")).default;
		new Stripe("sk_test_hookspool_senders_suite").webhooks.constructEvent(cap.body, headers["stripe-signature"], secret);
		break;
	}
	case "github": {
		const { verify } = await import("@octokit/webhooks-methods");
		if (!(await verify(secret, cap.body, headers["x-hub-signature-256"] ?? ""))) throw new Error("signature does not match");
		break;
	}
	default:
		throw new Error(`unknown sender ${sender}`);
	}
	console.log("true");
} catch (e) {
	console.log(`false: ${e.message}`);
}
