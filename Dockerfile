# syntax=docker/dockerfile:1
# Node 26 is the current LTS; the tag is pinned so that a rebuild gets the same runtime.
# Build stage: full dependencies, compile TypeScript to dist/ (the service and the simulator).
FROM node:26.12.1-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY simulator ./simulator
# The simulator leaves for an image of its own; the service's image carries neither it nor the
# demo's phone controls (both are for development, and the phone can approve any operation).
RUN npm run build && mv dist/simulator /simulator && mv dist/demo/phone /demo-phone

# Production dependencies only, installed apart so that no dev tool reaches the runtime image.
FROM node:26.12.1-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Development only (compose profile "simulator"): the Recognize simulator, plain node:http, no dependencies.
FROM node:26.12.1-bookworm-slim AS simulator
ENV NODE_ENV=development \
    SIMULATOR_PORT=4010
WORKDIR /app
COPY --from=build --chown=node:node /simulator ./simulator
USER node
HEALTHCHECK --interval=5s --timeout=3s --retries=10 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.SIMULATOR_PORT||4010)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "simulator/main.js"]

# The service: non-root, compiled code and production dependencies only.
FROM node:26.12.1-bookworm-slim AS service
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
USER node
EXPOSE 3000
# Readiness includes Redis; a process that cannot reach it is reported unhealthy.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM reaches node directly (exec form): it stops accepting requests, finishes running jobs and exits 0.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]

# Development only (scripts/compose-simulator): the service plus the demo's phone controls, which
# drive the simulator's control API.
FROM service AS development
ENV NODE_ENV=development
COPY --from=build --chown=node:node /demo-phone ./dist/demo/phone

# Runtime, the default target: the service as it is.
FROM service AS runtime
