# The controller image: `docker build -t cdk8s-databricks-controller:0.1.0 .` (the default image of
# DatabricksOperator; push it to your registry and set `image` to where it went).
#
# The controller is TypeScript that development runs through tsx, a devDependency. The image does not:
# a build stage compiles controller/ and the lib/crds/ it imports to JavaScript with tsc
# (tsconfig.build.json, into build/), and the final stage holds only that and the production
# dependencies. So nothing transpiles at start-up, nothing needs to write to the (read-only) root
# filesystem, and no compiler or test tooling ships in the image.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY controller ./controller
COPY lib/crds ./lib/crds
RUN npx tsc -p tsconfig.build.json

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/build ./build
# The `node` user of the base image, by number so that the kubelet can check runAsNonRoot.
USER 1000:1000
EXPOSE 8080
ENTRYPOINT ["node", "--enable-source-maps", "build/controller/main.js"]
