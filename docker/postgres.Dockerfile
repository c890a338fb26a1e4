# PostgreSQL 15 from Debian for the cluster profile of ../docker-compose.yml: the store every
# chatd node shares. The database cluster is made at build time (role chat owning database chat)
# so that the image runs as it is; a volume on /var/lib/postgresql/data starts as this copy.
FROM debian:12

# Debian's package would make a cluster of its own in /var/lib/postgresql/15/main: not wanted.
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-common \
 && sed -i 's/^#\?create_main_cluster.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf \
 && apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/*

ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
USER postgres
# chatd connects as chat without a password from the compose network (172.28.0.0/24) only: a
# demo. A real deployment gives the role a password and uses scram-sha-256 here instead.
RUN initdb -D "$PGDATA" -U postgres -E UTF8 --auth-local=peer --auth-host=scram-sha-256 \
 && echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf" \
 && echo "host chat chat 172.28.0.0/24 trust" >> "$PGDATA/pg_hba.conf" \
 && pg_ctl -D "$PGDATA" -w -o "-c listen_addresses=''" start \
 && psql -v ON_ERROR_STOP=1 -d postgres -c 'CREATE ROLE chat LOGIN' -c 'CREATE DATABASE chat OWNER chat' \
 && pg_ctl -D "$PGDATA" -m fast -w stop

EXPOSE 5432
# SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every chatd to disconnect.
STOPSIGNAL SIGINT
CMD ["postgres"]
