"use strict";

const express = require("express");
const rateLimit = require("express-rate-limit");
const { randomUUID } = require("node:crypto");

const app = express();
const PORT = Number(process.env.PORT || 3000);
const HOST = process.env.HOST || "0.0.0.0";

app.use(express.json({ limit: "1mb" }));
app.use(rateLimit({ windowMs: 60 * 1000, max: 120 }));

app.use((req, res, next) => {
  req.id = req.get("x-request-id") || randomUUID();
  res.set("x-request-id", req.id);
  next();
});

const sessions = new Map();

app.post("/login", (req, res) => {
  const { username, password } = req.body || {};
  if (typeof username !== "string" || typeof password !== "string") {
    return res.status(400).json({ error: "username and password are required" });
  }
  const session = randomUUID();
  sessions.set(session, { username, createdAt: Date.now() });
  res.cookie("sid", session, { httpOnly: true, sameSite: "lax", maxAge: 86400000 });
  return res.status(204).end();
});

app.get("/healthz", (_req, res) => res.json({ ok: true, uptime: process.uptime() }));

app.get("/api/items/:id", (req, res) => {
  const id = Number.parseInt(req.params.id, 10);
  if (!Number.isFinite(id) || id < 1 || id > 2147483647) {
    return res.status(400).json({ error: "id out of range" });
  }
  res.json({ id, name: `item-${id}`, price: (id * 1.25).toFixed(2) });
});

app.use((err, req, res, _next) => {
  console.error(`[${req.id}]`, err);
  res.status(500).json({ error: "internal error", requestId: req.id });
});

app.listen(PORT, HOST, () => {
  console.log(`listening on http://${HOST}:${PORT}`);
});
