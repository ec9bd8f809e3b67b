#!/usr/bin/env node
// Entry of @berth/runc when installed as a package (npm install -g).
require('../dist/cli.js').main(process.argv.slice(2), __dirname + '/..');
