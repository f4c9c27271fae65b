// Copies the API's .proto files from the repository's proto/ into ./proto, so
// that the package loads them at run time from its own directory.
const fs = require("fs");
const path = require("path");

const from = path.join(__dirname, "..", "..", "..", "proto", "identitygraph");
const to = path.join(__dirname, "..", "proto", "identitygraph");
fs.rmSync(to, { recursive: true, force: true });
fs.cpSync(from, to, { recursive: true });
console.log(`copied ${from} to ${to}`);
