# One image for every service of the platform; which service a container runs is chosen by
# the SERVICES environment variable (ingest, relay, projector, api, olap, or all).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production DATA_DIR=/data HOST=0.0.0.0
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ curl && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY contracts ./contracts
COPY services ./services
COPY projections ./projections
COPY dashboards ./dashboards
COPY scripts ./scripts
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080 8123
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=5 \
  CMD curl -fsS "http://127.0.0.1:${PORT:-8080}/healthz" || exit 1
ENTRYPOINT ["node", "--import", "tsx", "services/cli/main.ts"]
CMD ["start", "--no-seed"]
