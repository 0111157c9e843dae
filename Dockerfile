# syntax=docker/dockerfile:1
# One image for every Conduit service; APP picks which one runs (gateway, signal, policy, router, executor, billing, notifier, all-in-one).
#   docker build -t conduit .
#   docker run --init -e APP=executor -e DATABASE_URL=... -e REDIS_URL=... conduit
#   docker run --init --rm -e DATABASE_URL=... conduit node dist/tools/scripts/migrate.js up
# Run with --init (compose: `init: true`) so SIGTERM reaches Node's shutdown hooks and the process is reaped properly.

# Node 22 (maintenance LTS to April 2027); node:24-bookworm-slim (active LTS) works too. Node 20 reached its end of
# life in April 2026: the image no longer uses it, though package.json's engines (>=20.19) still allow it outside.
ARG NODE_IMAGE=node:22-bookworm-slim

# ---- deps: every dependency, dev included (TypeScript, tsc-alias) ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# ---- build: compile apps, libs, migrations and tools/scripts into dist/ ----
FROM deps AS build
COPY . .
RUN npm run build

# ---- runtime: production dependencies and dist/ only, as the non-root node user ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN SCARF_ANALYTICS=false npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist

ARG APP=gateway
ENV APP=${APP} \
    PORT=3000
USER node
EXPOSE 3000
# Docker's check is readiness (Kubernetes probes /health/live and /health/ready separately, deploy/k8s).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:${PORT:-3000}/health/ready', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["sh", "-c", "exec node dist/apps/${APP}/main.js"]
