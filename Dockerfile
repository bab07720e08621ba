# The controller image: `docker build -t cdk8s-databricks-controller:0.1.0 .` (the default image of
# DatabricksOperator; push it to your registry and set `image` to where it went).
#
# The controller is TypeScript that development runs through tsx, a devDependency. The image does not:
# the build stage runs `npm run build`, the same build that makes the npm package (which is why it has
# the CLI's sources too), which compiles the controller and the lib/crds/ it imports to JavaScript with
# tsc (tsconfig.build.json, into build/controller/ and build/lib/). The final stage holds only that and the controller's production
# dependencies, which controller/package.json declares (an npm workspace of this repository, so the one
# package-lock.json pins them for the tests and the image alike). So nothing transpiles at start-up,
# nothing needs to write to the (read-only) root filesystem, and no compiler, test tooling or
# construct-library-only package ships in the image.
#
# test/package/controller-image.int.test.ts assembles what this final stage holds by following this file
# and runs it against a cluster and a fake Databricks workspace.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY controller/package.json ./controller/
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.package.json ./
COPY scripts/build.ts ./scripts/
COPY lib ./lib
COPY controller ./controller
COPY cli ./cli
RUN npm run build

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY controller/package.json ./controller/
RUN npm ci --omit=dev --workspace controller --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/build/controller ./build/controller
COPY --from=build /app/build/lib ./build/lib
# The `node` user of the base image, by number so that the kubelet can check runAsNonRoot.
USER 1000:1000
EXPOSE 8080
ENTRYPOINT ["node", "--enable-source-maps", "build/controller/main.js"]
