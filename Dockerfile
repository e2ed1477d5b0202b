# syntax=docker/dockerfile:1
#
# Modulario container image: one static, non-root binary with its assets
# embedded. Build:   docker build --build-arg VERSION=$(git describe --tags --always) -t modulario .
# Run:     docker run -p 8080:8080 -v modulario-data:/data \
#            -e MODULARIO_BASE_URL=https://moduli.comune.example modulario
# See "Operations / Esercizio" in README.md.

# Stage 1: the front-end assets, exactly as `make assets` copies them
# (Bootstrap Italia, fonts, our CSS/JS, gzipped copies) from npm.
FROM node:24-bookworm AS assets
WORKDIR /src
COPY Makefile package.json package-lock.json ./
COPY themes/static/src themes/static/src
RUN make assets

# Stage 2: the static binary, with the assets embedded by go:embed.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=assets /src/themes/static/dist themes/static/dist
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/modulario ./cmd/modulario
# The data directory must belong to the non-root user before it becomes a
# volume: a new named volume takes the owner of the image's directory.
RUN mkdir -p /out/data

# Stage 3: distroless (CA certificates, /etc/passwd with "nonroot",
# /tmp; no shell, no package manager). Time zone data is in the binary.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/modulario /usr/local/bin/modulario
COPY --from=build --chown=65532:65532 /out/data /data
ENV MODULARIO_DATA_DIR=/data \
    MODULARIO_ADDR=:8080
USER 65532:65532
EXPOSE 8080
VOLUME ["/data"]
# SIGTERM stops gracefully: give `docker stop -t` or the orchestrator's
# grace period more than twice --shutdown-timeout (15s by default).
STOPSIGNAL SIGTERM
# No HEALTHCHECK: the image has no shell or curl. Let the orchestrator probe
# GET /healthz (liveness) and GET /readyz (readiness) on port 8080.
ENTRYPOINT ["/usr/local/bin/modulario"]
CMD ["serve"]
