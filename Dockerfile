# The mercato container image: the static binary alone, no base image (nothing to pull or patch).
# Build the binaries first, then the image:
#
#   .ci/release
#   docker build -t mercato .                                  # or: docker buildx build --platform linux/arm64 ...
#
# It serves on :8080. Without MERCATO_DB it keeps a SQLite database in /data (mount a volume
# there); for several nodes, point MERCATO_DB at PostgreSQL (see compose.yaml).
FROM scratch
ARG TARGETARCH=amd64
COPY --chown=65532:65532 dist/rootfs/ /
COPY dist/mercato-linux-${TARGETARCH} /mercato
USER 65532:65532
ENV MERCATO_ADDR=:8080 MERCATO_DB=sqlite:/data/mercato.db
EXPOSE 8080
VOLUME /data
ENTRYPOINT ["/mercato"]
CMD ["serve"]
