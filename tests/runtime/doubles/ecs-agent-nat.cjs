// Preloaded into the fetch process (NODE_OPTIONS=--require) by ECS integration tests. On an ECS
// container instance the agent installs an iptables DNAT rule that sends the task credentials
// endpoint 169.254.170.2:80 to the agent on 127.0.0.1:51679; this does the same for one process,
// sending it to the loopback AWS double (port in SECRET_MOUNT_TEST_ECS_AGENT_PORT). Only that
// address is rewritten: the SDK builds the URL from AWS_CONTAINER_CREDENTIALS_RELATIVE_URI itself.
"use strict";
const net = require("node:net");
const port = Number(process.env.SECRET_MOUNT_TEST_ECS_AGENT_PORT);
const connect = net.Socket.prototype.connect;
const rewrite = (o) =>
  o && typeof o === "object" && o.host === "169.254.170.2" && Number(o.port ?? 80) === 80
    ? { ...o, host: "127.0.0.1", port }
    : o;
net.Socket.prototype.connect = function (...args) {
  // net.createConnection passes its normalized [options, callback] array (tagged by Node) as the first argument.
  if (Array.isArray(args[0])) args[0][0] = rewrite(args[0][0]);
  else args[0] = rewrite(args[0]);
  return connect.apply(this, args);
};
