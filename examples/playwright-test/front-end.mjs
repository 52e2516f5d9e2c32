// A stand-in for your front end's dev server: one page on http://127.0.0.1:5173.
import { createServer } from "node:http";

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Front end</title></head>
<body><h1>Front end</h1><ul id="pages"></ul></body></html>`;

createServer((request, response) => {
  response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  response.end(page);
}).listen(5173, "127.0.0.1");
