# Redis 7 from Debian for the cluster profile of ../docker-compose.yml: the bus, heartbeats and
# nickname leases shared by the chatd nodes. Built from debian:12 since only Debian's package
# registry is reachable, not an image registry.
FROM debian:12

RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /var/lib/redis
USER redis
EXPOSE 6379
# Only the compose network reaches it (no published port), hence no protected mode. Nothing is
# saved: the nodes write their heartbeats and leases again after a restart.
CMD ["redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--save", "", "--appendonly", "no"]
