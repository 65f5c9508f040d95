# syntax=docker/dockerfile:1
# The GitHub App (default) and the CLI in one image.
#   docker build -t migration-review .
#   docker run --env-file .env -p 3000:3000 migration-review
#   docker run --rm -v "$PWD:/repo" migration-review node /app/bin/migration-review.js check /repo
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 MIGRATION_REVIEW_CACHE_DIR=/home/node/.cache/migration-review
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node bin ./bin
COPY --chown=node:node patterns ./patterns
COPY --chown=node:node prompts ./prompts
COPY --chown=node:node docs ./docs
USER node
# The lock trace starts every PGlite from a dump of an empty cluster; build it now so no review in a
# fresh container pays initdb (seconds). Mount a volume on the cache dir to keep schema snapshots.
RUN node -e "import('/app/dist/trace/engines.js').then((m) => m.emptyClusterDump())" && ls /home/node/.cache/migration-review
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/github/main.js"]
