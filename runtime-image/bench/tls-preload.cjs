// Bench only: `--require`d by the sidecar's TLS variants. BENCH_TLS=new-connection: every request
// opens a new TLS connection (https.Agent keeps no idle socket), resuming the TLS session the agent
// cached; BENCH_TLS=full-handshake: the same with no session reuse (a full handshake each time).
const https = require("node:https");
const mode = process.env.BENCH_TLS;
if (mode === "new-connection" || mode === "full-handshake") https.Agent.prototype.keepSocketAlive = () => false;
if (mode === "full-handshake") https.Agent.prototype._getSession = () => undefined;
