# The CLI in a container: docker run --rm -v "$PWD:/repo" migration-review check /repo
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
RUN npm ci --no-audit --no-fund && npm prune --omit=dev
WORKDIR /repo
ENTRYPOINT ["node", "/app/bin/migration-review.js"]
