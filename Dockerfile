# syntax=docker/dockerfile:1
#
# One Dockerfile, two images by target:
#   docker build --target api    -t atelier-api .      # `atelier api`; also `atelier migrate`, as a one-shot
#   docker build --target worker -t atelier-worker .   # `atelier worker`, with ffmpeg and espeak-ng
# TypeScript runs through tsx (a runtime dependency of the CLI): the servers have no compile
# step; only the web app and the landing page are built, in the `web` stage.

# The Node that CI runs the whole suite on (.ci/run fetches the same version); Node 20 reached its end of life in April 2026.
ARG NODE_IMAGE=node:24.22.3-slim

# ---- manifests: every workspace's package.json, so the install layers stay cached until one changes
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/api/package.json apps/api/
COPY apps/cli/package.json apps/cli/
COPY apps/worker/package.json apps/worker/
COPY apps/web/package.json apps/web/
COPY apps/landing/package.json apps/landing/
COPY packages/config/package.json packages/config/
COPY packages/contracts/package.json packages/contracts/
COPY packages/db/package.json packages/db/
COPY packages/engines/package.json packages/engines/
COPY packages/media/package.json packages/media/
COPY packages/operations/package.json packages/operations/
COPY packages/queue/package.json packages/queue/
COPY packages/storage/package.json packages/storage/

# ---- prod-deps: what the servers need at run time. `-w @atelier/cli` installs the CLI and,
# through it, the API, the worker and the packages: not the web app's or the landing page's
# dependencies, and no devDependency.
FROM manifests AS prod-deps
RUN npm ci --omit=dev --no-audit --no-fund -w @atelier/cli && npm cache clean --force

# ---- web: the React app and the Astro landing page, built with their devDependencies
FROM manifests AS web
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY packages/contracts packages/contracts
COPY apps/web apps/web
COPY apps/landing apps/landing
RUN npm run build -w @atelier/web -w @atelier/landing

# ---- app: the source, the production dependencies and the built sites, as /app
FROM ${NODE_IMAGE} AS app
WORKDIR /app
COPY --from=prod-deps /app/node_modules node_modules
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY packages packages
COPY apps/api apps/api
COPY apps/cli apps/cli
COPY apps/worker apps/worker
COPY --from=web /app/apps/web/dist apps/web/dist
COPY --from=web /app/apps/landing/dist apps/landing/dist

# ---- api: `atelier api`; the same image runs `atelier migrate` (command: ["migrate"])
FROM ${NODE_IMAGE} AS api
# tini as PID 1: SIGTERM reaches node (graceful shutdown) and children are reaped.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=app /app /app
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0
# Writes nothing under /app (tsx keeps its compile cache in /tmp).
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "apps/cli/bin/atelier.js"]
CMD ["api"]

# ---- worker: `atelier worker`, with the programs the local engines and the media checks run
FROM ${NODE_IMAGE} AS worker
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini ffmpeg espeak-ng \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=app /app /app
# Prometheus scrapes each worker at :9464/metrics; WORKER_METRICS_PORT=0 turns it off.
ENV NODE_ENV=production WORKER_METRICS_PORT=9464
USER node
EXPOSE 9464
ENTRYPOINT ["/usr/bin/tini", "--", "node", "apps/cli/bin/atelier.js"]
CMD ["worker"]
